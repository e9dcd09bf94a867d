"""Print a check Report with rich: one block per check, a table of findings, the fixes."""

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .check import OPTIONAL


def render(report, console=None, limit=50):
    """Print ``report``; at most ``limit`` findings per check (0: all of them)."""
    console = console or Console()
    counts = report.counts
    console.print(
        f"Checked {counts['HTML']} HTML, {counts['XML']} XML and {counts['CSS']} CSS "
        f"files ({counts['files']} in all) in {escape(str(report.output))} "
        f"in {report.seconds:.1f} s."
    )
    for result in report.results:
        _render_result(console, result, limit)
    console.print()
    failed = [r for r in report.results if r.findings]
    broken = [r for r in report.results if r.unavailable and r.name not in OPTIONAL]
    if report.ok:
        console.print("[bold green]All checks passed.[/]")
        return
    parts = []
    if failed:
        total = sum(len(r.findings) for r in failed)
        parts.append(
            f"{total} problem{'s' if total != 1 else ''} in "
            + ", ".join(r.name for r in failed)
        )
    if broken:
        parts.append("could not run " + ", ".join(r.name for r in broken))
    console.print(f"[bold red]Site check failed:[/] {'; '.join(parts)}.")


def _render_result(console, result, limit):
    name = escape(result.name)
    if result.skipped:
        console.print(f"[dim]- {name}: skipped ({escape(result.title)})[/]")
        return
    if result.unavailable:
        style = "yellow" if result.name in OPTIONAL else "bold red"
        console.print(
            f"[{style}]? {name}: not available[/] ({escape(result.title)}): "
            f"{escape(result.unavailable)}"
        )
        return
    if not result.findings:
        console.print(f"[green]✓ {name}[/] {escape(result.title)}")
        return
    count = len(result.findings)
    console.print(
        f"[bold red]✗ {name}[/] {escape(result.title)}: "
        f"{count} problem{'s' if count != 1 else ''}"
    )
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("File", overflow="fold")
    table.add_column("Line", justify="right")
    table.add_column("Problem", overflow="fold")
    shown = result.findings if not limit else result.findings[:limit]
    for finding in shown:
        table.add_row(
            escape(finding.file),
            str(finding.line) if finding.line else "",
            escape(finding.problem),
        )
    console.print(table)
    if len(shown) < count:
        console.print(f"  … and {count - len(shown)} more (`--limit 0` shows all)")
    fixes = sorted({f.fix for f in result.findings})
    for fix in fixes:
        console.print(f"  [bold]Fix:[/] {escape(fix)}")
