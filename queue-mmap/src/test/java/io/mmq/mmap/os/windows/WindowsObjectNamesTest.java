package io.mmq.mmap.os.windows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The object names of a few real paths, pinned: the Python reader's {@code tests/test_windows_names.py}
 * pins the same strings, so the two sides cannot drift apart unnoticed (a process of each on one queue
 * would not share its locks). Upper case, a UNC path, final sigma and a dotted capital I are in on it.
 */
class WindowsObjectNamesTest
{
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Local  | C:\\queues\\orders.mmq        | Local\\mmq-d923b2025eabba564f2f1458a563cd38",
        "Local  | C:\\Queues\\ORDERS.mmq        | Local\\mmq-d923b2025eabba564f2f1458a563cd38",
        "Global | D:\\data\\prices              | Global\\mmq-36ec4adf44531a9860f1a5e204ae7c7e",
        "Local  | \\\\server\\share\\q          | Local\\mmq-bc2e48ea919277781987e303c134a2dc",
        "Local  | C:\\Données\\Ünïcode\\ΣΑΣ.mmq | Local\\mmq-97b27e163ed6b9b9eeb974a69352e457",
        "Local  | C:\\İstanbul\\q               | Local\\mmq-276dc341dea9d8e6fb423e9d5f3469ad",
    })
    void theNamesAreTheOnesThePythonReaderComputes(final String namespace, final String realPath, final String prefix)
    {
        assertEquals(prefix, WindowsObjectNames.prefixFor(namespace, realPath));
    }
}
