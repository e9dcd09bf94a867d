"""Reading what people.* tasks print when piped."""


def rows(output):
    """The data rows of the tables as printed when piped: a title line, a header line,
    then one tab-separated line per row."""
    out, previous = [], ""
    for line in output.splitlines():
        if "\t" in line and "\t" in previous:
            out.append(line.split("\t"))
        previous = line
    return out
