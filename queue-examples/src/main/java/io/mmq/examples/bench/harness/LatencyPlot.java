package io.mmq.examples.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.HistogramIterationValue;

/**
 * Latency distributions as an SVG plot, drawn by hand: percentile on a logarithmic "nines" axis (0%, 90%,
 * 99%, 99.9%, ...) as HdrHistogram's plotter draws it, round-trip time on a logarithmic axis in
 * microseconds, one line per contender.
 */
final class LatencyPlot
{
    private static final String[] COLOURS = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#7f7f7f"};
    private static final int WIDTH = 780;
    private static final int HEIGHT = 460;
    private static final int LEFT = 70;
    private static final int RIGHT = 230;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final int MAX_NINES = 6;

    private LatencyPlot()
    {
    }

    /**
     * Writes one plot per message size and idle strategy; the C bounce joins every busy-spin plot.
     *
     * @param results a round per row of the table: its median round ({@link LatencyRow#medianRound}).
     * @return the files written.
     */
    static List<Path> writeAll(final List<LatencyResult> results, final Path directory) throws IOException
    {
        final Map<String, List<LatencyResult>> groups = new LinkedHashMap<>();
        final List<LatencyResult> baselines = new ArrayList<>();
        for (final LatencyResult result : results)
        {
            if (ResultsReport.BOUNCE.equals(result.contender()))
            {
                baselines.add(result);
                continue;
            }
            groups.computeIfAbsent(Sizes.fileLabel(result.size()) + "-" + result.idle().label(), key -> new ArrayList<>())
                .add(result);
        }
        final List<Path> files = new ArrayList<>();
        for (final Map.Entry<String, List<LatencyResult>> group : groups.entrySet())
        {
            final List<LatencyResult> series = new ArrayList<>(group.getValue());
            final LatencyResult first = series.get(0);
            if (first.idle() == IdleMode.BUSY_SPIN)
            {
                series.addAll(baselines);
            }
            final Path file = directory.resolve("latency-" + group.getKey() + ".svg");
            Files.writeString(file, svg("Round trip between two processes, " + Sizes.label(first.size()) + ", " +
                first.idle().label(), series));
            files.add(file);
        }
        return files;
    }

    static String svg(final String title, final List<LatencyResult> series)
    {
        double nines = 2;
        double lowest = Double.MAX_VALUE;
        double highest = 0;
        for (final LatencyResult result : series)
        {
            nines = Math.max(nines, Math.ceil(Math.log10(Math.max(10, result.histogram().getTotalCount()))));
            lowest = Math.min(lowest, Math.max(0.01, result.histogram().getMinValue() / 1000.0));
            highest = Math.max(highest, result.histogram().getMaxValue() / 1000.0);
        }
        final Axes axes = new Axes(Math.min(MAX_NINES, nines), Math.floor(Math.log10(lowest)),
            Math.max(Math.floor(Math.log10(lowest)) + 1, Math.ceil(Math.log10(Math.max(highest, lowest)))));

        final StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" " +
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
        drawGrid(svg, axes);
        for (int i = 0; i < series.size(); i++)
        {
            final LatencyResult result = series.get(i);
            final String colour = COLOURS[i % COLOURS.length];
            svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"");
            for (final HistogramIterationValue value : result.histogram().percentiles(5))
            {
                final double x = axes.x(value.getPercentileLevelIteratedTo());
                final double y = axes.y(Math.max(0.01, value.getValueIteratedTo() / 1000.0));
                svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append("\"/>\n");
            final int legendY = TOP + 10 + i * 36;
            svg.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>%n" +
                "<text x=\"%d\" y=\"%d\">%s</text>%n<text x=\"%d\" y=\"%d\" fill=\"#555\">p50 %.2f us, p99 %.2f us</text>%n",
                WIDTH - RIGHT + 20, legendY - 4, colour, WIDTH - RIGHT + 40, legendY, escape(result.contender()),
                WIDTH - RIGHT + 40, legendY + 15, result.micros(50), result.micros(99)));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void drawGrid(final StringBuilder svg, final Axes axes)
    {
        final int plotRight = WIDTH - RIGHT;
        final int plotBottom = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" " +
            "stroke=\"#333\"/>%n", LEFT, TOP, plotRight - LEFT, plotBottom - TOP));
        for (int nine = 0; nine <= axes.nines; nine++)
        {
            final double x = LEFT + (plotRight - LEFT) * nine / axes.nines;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n" +
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                x, TOP, x, plotBottom, x, plotBottom + 16, ninesLabel(nine)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
            (LEFT + plotRight) / 2, plotBottom + 38));
        for (int decade = (int)axes.lowDecade; decade <= axes.highDecade; decade++)
        {
            for (final int step : new int[] {1, 2, 5})
            {
                final double micros = step * Math.pow(10, decade);
                if (decade == (int)axes.highDecade && step > 1)
                {
                    break;
                }
                final double y = axes.y(micros);
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                    LEFT, y, plotRight, y, step == 1 ? "#ccc" : "#eee"));
                if (step == 1)
                {
                    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                        LEFT - 6, y + 4, timeLabel(decade)));
                }
            }
        }
    }

    /**
     * @return {@code 10^decade} microseconds as people write it: 0.1 us, 10 us, 1 ms, 100 ms, 10 s.
     */
    private static String timeLabel(final int decade)
    {
        if (decade < 0)
        {
            return String.format(Locale.ROOT, "%." + -decade + "f us", Math.pow(10, decade));
        }
        final String[] units = {"us", "ms", "s"};
        final int unit = Math.min(decade / 3, units.length - 1);
        return String.format(Locale.ROOT, "%.0f %s", Math.pow(10, decade - 3 * unit), units[unit]);
    }

    private static String ninesLabel(final int nines)
    {
        if (nines == 0)
        {
            return "0%";
        }
        return nines == 1 ? "90%" : "99" + (nines > 2 ? "." + "9".repeat(nines - 2) : "") + "%";
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * Where a percentile and a time fall in the plot.
     */
    private record Axes(double nines, double lowDecade, double highDecade)
    {
        double x(final double percentile)
        {
            final double tail = 1.0 - percentile / 100.0;
            final double position = tail <= 0 ? nines : Math.min(nines, Math.log10(1.0 / tail));
            return LEFT + (WIDTH - RIGHT - LEFT) * position / nines;
        }

        double y(final double micros)
        {
            final double position = (Math.log10(micros) - lowDecade) / (highDecade - lowDecade);
            return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * Math.max(0, Math.min(1, position));
        }
    }
}
