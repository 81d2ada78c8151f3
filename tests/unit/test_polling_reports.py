"""REPORT log lines: the numbers warm() reads the cold start from."""

from __future__ import annotations

from runner.testing.warmup import ReportLine

COLD = (
    "REPORT RequestId: 3f1c2a4e-0000-4000-8000-000000000001\tDuration: 12.34 ms\tBilled Duration: 13 ms\t"
    "Memory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 245.67 ms"
)
WARM = (
    "REPORT RequestId: 3f1c2a4e-0000-4000-8000-000000000002\tDuration: 1.50 ms\tBilled Duration: 2 ms\t"
    "Memory Size: 128 MB\tMax Memory Used: 40 MB\t\n"
)


def test_a_cold_report_line_carries_the_init_duration():
    report = ReportLine.parse(COLD)
    assert report == ReportLine("3f1c2a4e-0000-4000-8000-000000000001", 12.34, 245.67)


def test_a_warm_report_line_has_no_init_duration():
    report = ReportLine.parse(WARM)
    assert report is not None
    assert report.init_duration_ms is None
    assert report.duration_ms == 1.5


def test_other_log_lines_are_not_reports():
    assert ReportLine.parse("START RequestId: abc Version: $LATEST") is None
    assert ReportLine.parse("Init Duration: 5 ms") is None
