"""The trend chart of a funder report: matplotlib to PNG (or SVG), embedded as a data URI."""

import base64
import io


def trend_figure(trend: list[dict], series: list[tuple[str, str]]):
    """A small line chart of `series` ((key, label), …) by quarter, as a matplotlib Figure."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.hashsalt"] = "boveileder"  # stable ids in the SVG
    matplotlib.rcParams["font.family"] = "DejaVu Sans"
    # Constrained layout makes room for the legend below the plot, where it covers no line.
    figure = Figure(figsize=(6.6, 3.0), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    quarters = [row["label"] for row in trend]
    styles = ["-o", "--s", "-.^", ":D"]
    for (key, label), style in zip(series, styles, strict=False):
        # An empty figure (a share with nothing let) is a gap in the line, not a zero.
        values = [float("nan") if row.get(key) is None else row[key] for row in trend]
        axes.plot(quarters, values, style, label=label, linewidth=1.5, markersize=4)
    axes.set_ylim(bottom=0)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y", linewidth=0.4, alpha=0.6)
    axes.tick_params(labelsize=7)
    figure.legend(fontsize=7, frameon=False, loc="outside lower center", ncols=2)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure


def trend_chart(trend: list[dict], series: list[tuple[str, str]], image_format: str = "png") -> str:
    """The trend figure as a data: URI (PNG: quicker to lay out in WeasyPrint than an SVG of paths,
    and sharp enough at 200 dpi)."""
    figure = trend_figure(trend, series)
    buffer = io.BytesIO()
    if image_format == "svg":
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
    figure.savefig(buffer, format="png", dpi=200, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
