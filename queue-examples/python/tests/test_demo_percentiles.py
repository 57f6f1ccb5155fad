"""The demo's Python consumer writes its latencies as HdrHistogram's percentile text: values exact, rows at
the percentiles HdrHistogram's Java side reports, so that the same tools read the Java and Python files."""
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

import demo_consumer  # noqa: E402


def rows(text):
    table = []
    for line in text.splitlines():
        cells = line.split()
        if len(cells) >= 3 and not line.startswith("#") and cells[0] != "Value":
            table.append((float(cells[0]), float(cells[1]), int(cells[2])))
    return table


def test_the_value_at_a_percentile_is_the_least_that_many_values_are_at_or_below():
    ordered = list(range(1, 1001))  # 1 to 1,000 ns
    assert demo_consumer.value_at(ordered, 0.5) == 500
    assert demo_consumer.value_at(ordered, 0.9) == 900
    assert demo_consumer.value_at(ordered, 0.999) == 999
    assert demo_consumer.value_at(ordered, 0.0) == 1
    assert demo_consumer.value_at(ordered, 1.0) == 1000
    assert demo_consumer.value_at([], 0.5) == 0


def test_the_file_has_hdrhistograms_rows_and_footer_in_microseconds():
    ordered = [1000 * v for v in range(1, 1001)]  # 1 to 1,000 us
    out = io.StringIO()
    demo_consumer.write_percentiles(ordered, out)
    text = out.getvalue()
    table = rows(text)

    # HdrHistogram's ticks: 0, 10, ... 50%, then five steps per halving of what is left.
    assert [round(p, 6) for _, p, _ in table[:8]] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6]
    by_percentile = {round(p, 6): (value, count) for value, p, count in table}
    assert by_percentile[0.5] == (500.0, 500)
    assert by_percentile[0.75] == (750.0, 750)
    assert table[-1] == (1000.0, 1.0, 1000)
    assert all(a[0] <= b[0] and a[2] <= b[2] for a, b in zip(table, table[1:])), "values and counts never go down"
    assert "#[Mean    =      500.500, StdDeviation   =      288.675]" in text
    assert "#[Max     =     1000.000, Total count    =         1000]" in text
