"""One reader per result file format, chosen by the root element; each turns expat callbacks into
CaseRecords (see runner/report/junit/parser.py for the stream around them)."""
