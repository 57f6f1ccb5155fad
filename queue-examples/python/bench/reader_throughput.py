"""Throughput of the Python reader, beside multiprocessing.Queue and a Unix socket, on this machine.

For 32-byte and 1 KiB messages: a Java producer (`mmq flood`) publishes as fast as the reader allows
and this process reads with mmq's zero-copy poll; then the same count through a multiprocessing.Queue
and through a Unix socket pair, each fed by a producer process. Times run from the first message to
the last. Prints a markdown table (docs/benchmarks.md shows it).

Usage: python3 bench/reader_throughput.py [--messages N] [--launcher PATH_TO_mmq]
"""
import argparse
import multiprocessing
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import mmq  # noqa: E402


def bench_mmq(launcher, count, size):
    directory = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    path = os.path.join(directory, "mmq-reader-bench-%d.mmq" % os.getpid())
    subprocess.run([launcher, "create", path, "--capacity", "4m", "--consumers", "2"], check=True,
                   capture_output=True)
    try:
        with mmq.open_consumer(path, start="latest") as consumer:
            producer = subprocess.Popen([launcher, "flood", path, "--messages", str(count), "--size", str(size)],
                                        stdout=subprocess.DEVNULL)
            received = 0
            handler = lambda view: None  # noqa: E731 - the cost of reading, not of the handler
            while consumer.read(timeout=60) is None:
                pass
            received = 1
            start = time.perf_counter()
            while received < count:
                n = consumer.poll(handler, 4096)
                if n:
                    received += n
                else:
                    message = consumer.read(timeout=60)
                    if message is None:
                        raise RuntimeError("no message for 60 s after %d" % received)
                    received += 1
            elapsed = time.perf_counter() - start
            producer.wait(60)
        return (count - 1) / elapsed
    finally:
        os.unlink(path)


def _queue_producer(queue, count, size):
    payload = bytes(size)
    for _ in range(count):
        queue.put(payload)


def bench_multiprocessing_queue(count, size):
    queue = multiprocessing.Queue(maxsize=10000)
    producer = multiprocessing.Process(target=_queue_producer, args=(queue, count, size))
    producer.start()
    queue.get()
    start = time.perf_counter()
    for _ in range(count - 1):
        queue.get()
    elapsed = time.perf_counter() - start
    producer.join()
    return (count - 1) / elapsed


def _socket_producer(sock, count, size):
    record = struct.pack("<I", size) + bytes(size)
    for _ in range(count):
        sock.sendall(record)
    sock.close()


def bench_unix_socket(count, size):
    reader, writer = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    producer = multiprocessing.Process(target=_socket_producer, args=(writer, count, size))
    producer.start()
    writer.close()
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    filled = 0
    received = 0
    start = None
    while received < count:
        n = reader.recv_into(view[filled:])
        if n == 0:
            break
        if start is None:
            start = time.perf_counter()
        filled += n
        offset = 0
        while filled - offset >= 4:  # split length-prefixed records, as a reader must
            length = struct.unpack_from("<I", buffer, offset)[0]
            if filled - offset < 4 + length:
                break
            offset += 4 + length
            received += 1
        view[:filled - offset] = view[offset:filled]
        filled -= offset
    elapsed = time.perf_counter() - start
    producer.join()
    return received / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--launcher", default=os.path.join(HERE, "..", "..", "..", "mmq"))
    args = parser.parse_args()
    rows = []
    for size in (32, 1024):
        print("reader throughput: %d-byte messages, %d of them..." % (size, args.messages), file=sys.stderr)
        rows.append((size,
                     bench_mmq(args.launcher, args.messages, size),
                     bench_multiprocessing_queue(args.messages, size),
                     bench_unix_socket(args.messages, size)))
    print("| message | mmq (Python reader) | multiprocessing.Queue | Unix socket |")
    print("|---:|---:|---:|---:|")
    for size, ring, mpq, sock in rows:
        print("| %d B | %.0f msg/s | %.0f msg/s | %.0f msg/s |" % (size, ring, mpq, sock))


if __name__ == "__main__":
    main()
