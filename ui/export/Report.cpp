#include "export/Report.h"

#include "base/AtomicWrite.h"
#include "charts/ChartSupport.h"
#include "eval/ResultTables.h"
#include "eval/Story.h"
#include "export/ChartExport.h"
#include "model/StoryText.h"

#include <QAbstractTextDocumentLayout>
#include <QCoreApplication>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QTextDocument>
#include <QUrl>
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>
#include <set>

namespace bs {

namespace {

/// HTML-escaped, without the control characters XML forbids (they can come from ONNX names).
QString esc(const QString& s) {
    QString clean = s;
    clean.removeIf(
        [](QChar c) { return c.unicode() < 0x20 && c != QLatin1Char('\t') && c != QLatin1Char('\n'); });
    return clean.toHtmlEscaped();
}
QString esc(const std::string& s) {
    return QString::fromStdString(s).toHtmlEscaped();
}

QString num(double v) {
    return std::isfinite(v) ? formatNumber(v) : QStringLiteral("∞");
}

QString percent(double fraction) {
    return formatPercent(fraction);
}

QString ms(double seconds) {
    return formatNumber(seconds * 1e3);
}

QString precisionText(Precision p) {
    const std::string_view n = precisionName(p);
    return QString::fromLatin1(n.data(), static_cast<qsizetype>(n.size()));
}

/// Text that may wrap after each '+' or '_' ("Conv+BatchNormalization+Relu"): without a break
/// opportunity a narrow column broke it mid-word.
QString breakable(const QString& html) {
    QString out = html;
    out.replace(QLatin1Char('+'), QStringLiteral("+&#8203;"));
    out.replace(QLatin1Char('_'), QStringLiteral("_&#8203;"));
    return out;
}

/// A table: header cells, then rows of cells that are already HTML. Numeric columns align right.
/// Headers and numeric cells never wrap (a narrow column broke "Utilization" into "Utilizatio/n");
/// text cells wrap at spaces and at breakable() points.
class HtmlTable {
  public:
    HtmlTable(QStringList header, std::set<int> numeric = {})
        : header_(std::move(header)), numeric_(std::move(numeric)) {}
    void add(QStringList cells) { rows_.push_back(std::move(cells)); }
    QString html() const {
        QString h =
            QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\">\n<tr>");
        for (const QString& c : header_)
            h += QStringLiteral("<th style=\"white-space: nowrap\">") + esc(c) + QStringLiteral("</th>");
        h += QStringLiteral("</tr>\n");
        for (const QStringList& r : rows_) {
            h += QStringLiteral("<tr>");
            for (int i = 0; i < r.size(); ++i)
                h += (numeric_.count(i) ? QStringLiteral("<td align=\"right\" style=\"white-space: nowrap\">")
                                        : QStringLiteral("<td>")) +
                     r[i] + QStringLiteral("</td>");
            h += QStringLiteral("</tr>\n");
        }
        return h + QStringLiteral("</table>\n");
    }

  private:
    QStringList header_;
    std::set<int> numeric_;
    std::vector<QStringList> rows_;
};

QString swatch(const QColor& c) {
    return QStringLiteral("<span style=\"color:%1\">■</span>").arg(c.name());
}

/// "S2": the scenario's number in the report, so that wide tables need not repeat its label.
QString scenarioKey(const ExplorerSnapshot& s, const EvaluatedScenario& sc) {
    const auto at = std::find_if(s.scenarios.begin(), s.scenarios.end(),
                                 [&](const EvaluatedScenario& e) { return &e == &sc; });
    return QStringLiteral("S%1").arg(at - s.scenarios.begin() + 1);
}

QString keyCell(const ExplorerSnapshot& s, const EvaluatedScenario& sc) {
    return swatch(sc.color) + QStringLiteral("&#160;") + scenarioKey(s, sc);
}

QString chartTitle(ChartKind k) {
    switch (k) {
    case ChartKind::Roofline:
        return QStringLiteral("Roofline: every layer at its arithmetic intensity and attained FLOP/s");
    case ChartKind::Utilization:
        return QStringLiteral("Utilization vs batch (FLOP-weighted)");
    case ChartKind::Tradeoff:
        return QStringLiteral("Latency vs throughput, one point per batch");
    case ChartKind::Energy:
        return QStringLiteral("Energy per inference vs batch");
    case ChartKind::Interactivity:
        return QStringLiteral("LLM serving: output tokens/s per device vs per user, one point per batch");
    case ChartKind::Ttft:
        return QStringLiteral("LLM serving: time to first token vs batch");
    case ChartKind::Tpot:
        return QStringLiteral("LLM serving: time per output token vs batch");
    case ChartKind::ServingMemory:
        return QStringLiteral("LLM serving: weights + KV cache + activations vs batch");
    }
    return {};
}

/// "Batch 64, latency budget 5.00 ms; S1–S3 as in the legend."
QString figureNote(const ExplorerSnapshot& s) {
    QString n = QStringLiteral("Batch %1").arg(s.batch);
    if (s.latencyBudget_s) n += QStringLiteral(", latency budget ") + formatSeconds(*s.latencyBudget_s);
    return n + QStringLiteral(".");
}

QString imageName(ChartKind k) {
    return QStringLiteral("chart-%1.png").arg(chartKindName(k));
}

QString metaLine(const ExplorerSnapshot& s, const ReportOptions& o) {
    QString m = QStringLiteral("Generated %1 · batch %2")
                    .arg(o.generated.toString(QStringLiteral("yyyy-MM-dd HH:mm")))
                    .arg(s.batch);
    m += s.latencyBudget_s ? QStringLiteral(" · latency budget ") + formatSeconds(*s.latencyBudget_s)
                           : QStringLiteral(" · no latency budget");
    m += QStringLiteral(" · %1 scenario(s)").arg(s.scenarios.size());
    const QString version = QCoreApplication::applicationVersion();
    if (!version.isEmpty()) m += QStringLiteral(" · Batchscope ") + version;
    return m;
}

QString scenariosSection(const ExplorerSnapshot& s) {
    QString h = QStringLiteral("<h2>Scenarios</h2>\n");
    HtmlTable models({QStringLiteral("#"), QStringLiteral("Scenario"), QStringLiteral("Params"),
                      QStringLiteral("GFLOP/sample")},
                     {2, 3});
    HtmlTable t({QStringLiteral("#"), QStringLiteral("Latency (ms)"), QStringLiteral("Inferences/s"),
                 QStringLiteral("Utilization"), QStringLiteral("Energy (mJ/inf)"),
                 QStringLiteral("Cost ($/M inf)"), QStringLiteral("Power (W)"), QStringLiteral("Bound"),
                 QStringLiteral("Fits memory")},
                {1, 2, 3, 4, 5, 6});
    QString stories;
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc)) {
            models.add({keyCell(s, sc), esc(sc.label), QString(), QString()});
            t.add({keyCell(s, sc),
                   QStringLiteral("not evaluated: ") +
                       (sc.error.isEmpty() ? QStringLiteral("the sweep is still running") : esc(sc.error)),
                   QString(), QString(), QString(), QString(), QString(), QString(), QString()});
            continue;
        }
        models.add({keyCell(s, sc), esc(sc.label),
                    formatSi(static_cast<double>(sc.model->params()), QString()),
                    num(sc.model->flopsPerSample() / 1e9)});
        const Totals& c = sc.current.totals;
        t.add({keyCell(s, sc), ms(c.latency_s), num(c.throughput_per_s), percent(c.utilization),
               num(c.energyPerInference.total() * 1e3),
               c.usdPerMillion > 0 ? num(c.usdPerMillion) : QStringLiteral("no price"), num(c.power_w),
               dominantBound(c),
               c.fitsMemory ? QStringLiteral("yes")
                            : QStringLiteral("no: needs %1 of %2")
                                  .arg(formatSi(c.peakMemoryBytes, QStringLiteral("B")),
                                       formatSi(sc.hardware->dramCapacityBytes(), QStringLiteral("B")))});
        const Story story = tellStory(storyInput(sc, s.latencyBudget_s));
        stories += QStringLiteral("<li>") + keyCell(s, sc) + QStringLiteral(": ") + esc(story.text()) +
                   QStringLiteral("</li>\n");
    }
    h += models.html();
    h += QStringLiteral("<h3>At batch %1</h3>\n<p>Latency is per batch; energy is per inference; bound is "
                        "where most of the time goes.</p>\n")
             .arg(s.batch);
    h += t.html();
    if (!stories.isEmpty())
        h += QStringLiteral("<h3>What limits each scenario</h3>\n<ul>\n") + stories +
             QStringLiteral("</ul>\n");
    return h;
}

QString recommendationsSection(const ExplorerSnapshot& s) {
    QString h = QStringLiteral("<h2>Recommendations</h2>\n<p>Over the batch grid 1 to %1; only batches that "
                               "fit in device memory qualify.%2</p>\n")
                    .arg(s.sweepBatches.empty() ? 0 : s.sweepBatches.back())
                    .arg(s.latencyBudget_s ? QStringLiteral(" Latency budget: ") +
                                                 formatSeconds(*s.latencyBudget_s) + QStringLiteral(".")
                                           : QStringLiteral(" No latency budget is set."));
    HtmlTable t({QStringLiteral("#"), QStringLiteral("Goal"), QStringLiteral("Batch"),
                 QStringLiteral("Latency (ms)"), QStringLiteral("Inferences/s"),
                 QStringLiteral("Utilization"), QStringLiteral("Energy (mJ/inf)"), QStringLiteral("Why")},
                {2, 3, 4, 5, 6});
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc) || sc.sweep.empty()) continue;
        for (const Recommendation& r : recommend(sc.sweep, s.latencyBudget_s)) {
            if (r.batch)
                t.add({keyCell(s, sc), esc(r.what), QString::number(*r.batch), ms(r.totals.latency_s),
                       num(r.totals.throughput_per_s), percent(r.totals.utilization),
                       num(r.totals.energyPerInference.total() * 1e3), esc(r.reason)});
            else
                t.add({keyCell(s, sc), esc(r.what), QStringLiteral("none"), QString(), QString(), QString(),
                       QString(), esc(r.reason)});
        }
    }
    return h + t.html();
}

// "LLM serving": each decoder scenario's best batch within the TTFT/TPOT targets and its KV wall.
QString servingSection(const ExplorerSnapshot& s) {
    if (!hasServing(s)) return {};
    const ServingSettings& v = s.serving;
    QString targets;
    if (v.ttft_s) targets += QStringLiteral(" TTFT ≤ ") + formatSeconds(*v.ttft_s) + QStringLiteral(".");
    if (v.tpot_s) targets += QStringLiteral(" TPOT ≤ ") + formatSeconds(*v.tpot_s) + QStringLiteral(".");
    QString h = QStringLiteral("<h2>LLM serving</h2>\n<p>Static batching, %1 prompt and %2 output tokens per "
                               "sequence (docs/MODEL.md §11); the best batch has the highest output tokens/s "
                               "among the batches that fit%3</p>\n")
                    .arg(v.lengths.input)
                    .arg(v.lengths.output)
                    .arg(targets.isEmpty() ? QStringLiteral(". No TTFT or TPOT target is set.")
                                           : QStringLiteral(" and meet the targets.") + targets);
    HtmlTable t({QStringLiteral("#"), QStringLiteral("Best batch"), QStringLiteral("Output tokens/s"),
                 QStringLiteral("Per user"), QStringLiteral("TTFT (ms)"), QStringLiteral("TPOT (ms)"),
                 QStringLiteral("Energy (mJ/token)"), QStringLiteral("KV-cache wall")},
                {1, 2, 3, 4, 5, 6, 7});
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!servingUsable(sc)) continue;
        const ServingCurve& c = *sc.serving;
        const QString wall = c.maxBatch ? QString::number(*c.maxBatch) : QStringLiteral("none");
        const GenerationPoint* best = nullptr;
        for (const GenerationPoint& p : c.sweep)
            if (c.recommendedBatch == p.batch) best = &p;
        if (!best) {
            t.add({keyCell(s, sc), QStringLiteral("none"), QString(), QString(), QString(), QString(),
                   QString(), wall});
            continue;
        }
        t.add({keyCell(s, sc), QString::number(best->batch), num(best->outputTokensPerS),
               num(best->outputTokensPerSPerUser), ms(best->ttft_s), ms(best->tpot_s),
               num(best->energyPerToken_j * 1e3), wall});
    }
    return h + t.html();
}

// The batch charts, then the serving charts where a scenario has a generation.
std::vector<ChartKind> reportChartKinds(const ExplorerSnapshot& s) {
    std::vector<ChartKind> kinds = allChartKinds();
    if (hasServing(s)) kinds.insert(kinds.end(), servingChartKinds().begin(), servingChartKinds().end());
    return kinds;
}

QString chartsSection(const ExplorerSnapshot& snapshot, const ReportOptions& o, ChartEmbedding how,
                      QString* error) {
    const ExplorerSnapshot& s = snapshot;
    // A new page: the heading was left alone at a page bottom, its first figure on the next.
    QString h = QStringLiteral("<h2 style=\"page-break-before: always\">Charts</h2>\n");
    // Each figure's legend: the charts' own legends leave the scenarios to the caption (a one-row
    // Qt legend elides them); the keys match the tables'.
    QStringList keys;
    for (const EvaluatedScenario& sc : snapshot.scenarios)
        if (usable(sc)) keys << keyCell(snapshot, sc) + QStringLiteral(" ") + esc(sc.label);
    const QString legend = keys.join(QStringLiteral("&#160;&#160; "));
    int n = 1;
    for (ChartKind k : reportChartKinds(s)) {
        h += QStringLiteral("<div class=\"figure\">\n");
        if (how == ChartEmbedding::InlineSvg) {
            const auto chart = makePrintChart(k, s, o.chartSize, o.energyBreakdown);
            QString svg = QString::fromUtf8(renderChartSvg(chart.get(), o.chartSize, chartTitle(k)));
            // Inline: no XML declaration, and the width follows the page (the viewBox keeps the
            // aspect ratio) instead of the generator's millimetres.
            const qsizetype at = svg.indexOf(QStringLiteral("<svg"));
            const qsizetype close = at >= 0 ? svg.indexOf(QLatin1Char('>'), at) : -1;
            if (close < 0) {
                if (error)
                    *error = QStringLiteral("the %1 chart could not be drawn as SVG").arg(chartKindName(k));
                svg.clear();
            } else {
                static const QRegularExpression size(QStringLiteral("\\s(width|height)=\"[^\"]*\""));
                QString tag = svg.mid(at, close - at);
                tag.remove(size);
                tag.insert(
                    4,
                    QStringLiteral(" class=\"chart\" id=\"chart-%1\" width=\"100%\"").arg(chartKindName(k)));
                svg = tag + svg.mid(close);
                // Labels go into <text> as they are; XML forbids control characters.
                svg.removeIf([](QChar c) {
                    return c.unicode() < 0x20 && c != QLatin1Char('\t') && c != QLatin1Char('\n') &&
                           c != QLatin1Char('\r');
                });
                // Ids are per document: keep each chart's gradients its own.
                const QString prefix = chartKindName(k) + QStringLiteral("-gradient");
                svg.replace(QStringLiteral("id=\"gradient"), QStringLiteral("id=\"") + prefix);
                svg.replace(QStringLiteral("url(#gradient"), QStringLiteral("url(#") + prefix);
                svg.replace(QStringLiteral("href=\"#gradient"), QStringLiteral("href=\"#") + prefix);
            }
            h += svg;
        } else {
            const int w = o.pdfImageWidth > 0 ? o.pdfImageWidth : o.chartSize.width();
            h += QStringLiteral("<img src=\"%1\" width=\"%2\" height=\"%3\"/>")
                     .arg(imageName(k))
                     .arg(w)
                     .arg(qRound(w * static_cast<double>(o.chartSize.height()) / o.chartSize.width()));
        }
        h += QStringLiteral("<p class=\"caption\">%1<br/>Figure %2. %3. %4</p>\n</div>\n")
                 .arg(legend)
                 .arg(n++)
                 .arg(esc(chartTitle(k)), esc(figureNote(s)));
    }
    return h;
}

QString topLayersSection(const ExplorerSnapshot& s, const ReportOptions& o) {
    QString h = QStringLiteral("<h2>Top layers by time at batch %1</h2>\n").arg(s.batch);
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc)) continue;
        const auto& layers = sc.current.layers;
        std::vector<std::size_t> order(layers.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return layers[a].latency_s > layers[b].latency_s;
        });
        HtmlTable t({QStringLiteral("#"), QStringLiteral("Layer"), QStringLiteral("Ops"),
                     QStringLiteral("Bound"), QStringLiteral("Latency (ms)"), QStringLiteral("Share"),
                     QStringLiteral("FLOP/B"), QStringLiteral("Utilization"), QStringLiteral("Units")},
                    {0, 4, 5, 6, 7, 8});
        int shown = 0;
        double shownShare = 0;
        for (std::size_t i : order) {
            const LayerPlacement& p = layers[i];
            if (shown >= o.topLayers || p.latency_s <= 0) break;
            const Layer& l = sc.fusedModel().layers()[static_cast<std::size_t>(p.index)];
            t.add({QString::number(p.index), breakable(esc(l.name)), breakable(esc(l.opTypes)),
                   QStringLiteral("<span style=\"white-space: nowrap\">%1</span>").arg(boundLabel(p)),
                   ms(p.latency_s), percent(p.share), num(p.arithmeticIntensity), percent(p.utilization),
                   QStringLiteral("%1 / %2").arg(qRound64(p.unitsAllocated)).arg(qRound64(p.unitsTotal))});
            ++shown;
            shownShare += p.share;
        }
        h += QStringLiteral("<h3>") + keyCell(s, sc) + QStringLiteral(" ") + esc(sc.label) +
             QStringLiteral("</h3>\n");
        h += QStringLiteral("<p>The %1 slowest of %2 layers take %3 of the %4 ms.</p>\n")
                 .arg(shown)
                 .arg(layers.size())
                 .arg(percent(shownShare), ms(sc.current.totals.latency_s));
        h += t.html();
    }
    return h;
}

void presetRow(HtmlTable& t, const QString& what, const Sourced& v, const QString& unit) {
    if (v.value == 0 && v.source.empty()) return; // a field this class of chip does not use
    t.add({esc(what), num(v.value), esc(unit), esc(v.source)});
}

QString presetsSection(const ExplorerSnapshot& s) {
    QString h = QStringLiteral("<h2>Hardware presets</h2>\n");
    std::set<std::string> seen;
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!sc.hardware || !seen.insert(sc.hardware->variantId()).second) continue;
        const HardwarePreset& p = *sc.hardware; // in the scenario's power mode: its numbers say so
        h += QStringLiteral("<h3>%1 (%2)</h3>\n").arg(esc(p.name), esc(p.variantId()));
        QString about = QStringLiteral("%1 · class %2 · status %3 · default precision %4")
                            .arg(esc(p.vendor), esc(std::string(archClassName(p.archClass))), esc(p.status),
                                 precisionText(p.defaultPrecision));
        if (!p.derivedFrom.empty()) about += QStringLiteral(" · derived from ") + esc(p.derivedFrom);
        h += QStringLiteral("<p>") + about + QStringLiteral("</p>\n");
        if (!p.notes.empty())
            h += QStringLiteral("<p class=\"note\">") + esc(p.notes) + QStringLiteral("</p>\n");
        HtmlTable t({QStringLiteral("Quantity"), QStringLiteral("Value"), QStringLiteral("Unit"),
                     QStringLiteral("Source")},
                    {1});
        presetRow(t, QStringLiteral("Clock"), p.clockGhz, QStringLiteral("GHz"));
        presetRow(t, QStringLiteral("Compute units (%1)").arg(QString::fromStdString(p.unitName)),
                  p.computeUnits, QString());
        for (const auto& [prec, v] : p.peakTflops)
            presetRow(t, QStringLiteral("Dense peak, %1").arg(precisionText(prec)), v,
                      QStringLiteral("TFLOP/s"));
        presetRow(t, QStringLiteral("Vector peak"), p.vectorTflops, QStringLiteral("TFLOP/s"));
        presetRow(t, QStringLiteral("Device memory (%1)").arg(QString::fromStdString(p.dram.name)),
                  p.dram.capacity, QStringLiteral("GiB"));
        presetRow(t, QStringLiteral("Device memory bandwidth"), p.dram.bandwidthGBs, QStringLiteral("GB/s"));
        presetRow(t, QStringLiteral("Device memory energy"), p.dram.pjPerByte, QStringLiteral("pJ/B"));
        presetRow(t, QStringLiteral("On-chip memory (%1)").arg(QString::fromStdString(p.onchip.name)),
                  p.onchip.capacity, QStringLiteral("MiB"));
        presetRow(t, QStringLiteral("On-chip bandwidth"), p.onchip.bandwidthGBs, QStringLiteral("GB/s"));
        presetRow(t, QStringLiteral("On-chip energy"), p.onchip.pjPerByte, QStringLiteral("pJ/B"));
        for (const auto& [prec, v] : p.pjPerFlop)
            presetRow(t, QStringLiteral("Compute energy, %1").arg(precisionText(prec)), v,
                      QStringLiteral("pJ/FLOP"));
        presetRow(t, QStringLiteral("Idle power"), p.idleWatts, QStringLiteral("W"));
        presetRow(t, QStringLiteral("Static power under load"), p.staticWatts, QStringLiteral("W"));
        presetRow(t, QStringLiteral("Power limit (TDP)"), p.tdpWatts, QStringLiteral("W"));
        presetRow(t, QStringLiteral("Dispatch overhead per kernel"), p.dispatchUs, QStringLiteral("µs"));
        presetRow(t, QStringLiteral("Achievable compute fraction"), p.computeFraction, QString());
        if (p.vectorComputeFraction.value > 0)
            presetRow(t, QStringLiteral("Achievable vector compute fraction"), p.vectorComputeFraction,
                      QString());
        presetRow(t, QStringLiteral("Achievable bandwidth fraction"), p.bandwidthFraction, QString());
        presetRow(t, QStringLiteral("On-chip share for activations"), p.onchipActivationFraction, QString());
        h += t.html();
    }
    return h;
}

const char* kStyle = R"(body { font-family: sans-serif; font-size: 10pt; color: #222; }
h1 { font-size: 18pt; margin-bottom: 2pt; }
h2 { font-size: 14pt; margin-top: 14pt; border-bottom: 1px solid #888; }
h3 { font-size: 11pt; margin-top: 10pt; }
table { border-collapse: collapse; margin-bottom: 6pt; }
th { background-color: #e8e8e8; text-align: left; }
td, th { border: 1px solid #999; padding: 2pt 4pt; font-size: 9pt; }
p.meta { color: #555; }
p.caption { font-size: 9pt; color: #333; margin-top: 2pt; }
p.note { font-size: 9pt; color: #555; }
svg.chart { width: 100%; height: auto; }
div.figure { margin-bottom: 12pt; }
)";

} // namespace

ReportFormat reportFormat(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("pdf")) return ReportFormat::Pdf;
    if (suffix == QLatin1String("html") || suffix == QLatin1String("htm")) return ReportFormat::Html;
    return ReportFormat::Unknown;
}

QString reportHtml(const ExplorerSnapshot& s, const ReportOptions& o, ChartEmbedding charts, QString* error) {
    QString h =
        QStringLiteral("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                       "<meta charset=\"utf-8\"/>\n<title>");
    h += esc(o.title) + QStringLiteral("</title>\n<style>\n") + QString::fromUtf8(kStyle) +
         QStringLiteral("</style>\n</head>\n<body>\n");
    h += QStringLiteral("<h1>") + esc(o.title) + QStringLiteral("</h1>\n");
    h += QStringLiteral("<p class=\"meta\">") + esc(metaLine(s, o)) + QStringLiteral("</p>\n");
    if (s.scenarios.empty()) h += QStringLiteral("<p>No scenarios.</p>\n");
    h += scenariosSection(s);
    h += recommendationsSection(s);
    h += servingSection(s);
    h += chartsSection(s, o, charts, error);
    h += topLayersSection(s, o);
    h += presetsSection(s);
    h += QStringLiteral("<p class=\"note\">Every number comes from Batchscope's analytical model: per-layer "
                        "roofline placement with fusion, liveness, activation spill, mapping onto the "
                        "chip's compute units, dispatch overhead and energy per byte and per FLOP "
                        "(docs/MODEL.md). Preset numbers carry their sources above.</p>\n");
    return h + QStringLiteral("</body>\n</html>\n");
}

namespace {

QString writeHtmlReport(const ExplorerSnapshot& s, const ReportOptions& o, QIODevice& file) {
    QString problem;
    const QByteArray bytes = reportHtml(s, o, ChartEmbedding::InlineSvg, &problem).toUtf8();
    if (!problem.isEmpty()) return problem;
    return file.write(bytes) == bytes.size() ? QString() : file.errorString();
}

// A4 pages of the HTML laid out by QTextDocument, with the charts as images and a footer line.
QString writePdfReport(const ExplorerSnapshot& s, const ReportOptions& o, QIODevice& file, int* pages) {
    // The page: A4 with 15 mm margins, minus a footer line; the document is laid out in 96-dpi
    // pixels (what its fonts and image widths are in) and scaled onto the printer's pixels.
    QPdfWriter pdf(&file);
    pdf.setCreator(QStringLiteral("Batchscope"));
    pdf.setTitle(o.title);
    pdf.setResolution(300);
    pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait, QMarginsF(15, 15, 15, 12),
                                  QPageLayout::Millimeter));
    constexpr double kDocDpi = 96.0;
    const QSizeF area = pdf.pageLayout().paintRect(QPageLayout::Inch).size() * kDocDpi;
    constexpr double kFooter_px = 24;
    const QSizeF page(area.width(), area.height() - kFooter_px);

    QTextDocument doc;
    doc.setDefaultStyleSheet(QString::fromUtf8(kStyle));
    ReportOptions fitted = o;
    fitted.pdfImageWidth = static_cast<int>(page.width() - 2 * doc.documentMargin());
    for (ChartKind k : reportChartKinds(s)) {
        const auto chart = makePrintChart(k, s, o.chartSize, o.energyBreakdown);
        const QImage image = renderChartImage(chart.get(), o.chartSize, 2);
        if (image.isNull()) return QStringLiteral("the %1 chart could not be drawn").arg(chartKindName(k));
        doc.addResource(QTextDocument::ImageResource, QUrl(imageName(k)), image);
    }
    doc.setHtml(reportHtml(s, fitted, ChartEmbedding::ImageResource));
    doc.setPageSize(page);
    const int count = doc.pageCount();

    QPainter p;
    if (!p.begin(&pdf)) return QStringLiteral("PDF writer failed");
    p.setRenderHint(QPainter::LosslessImageRendering); // no JPEG artefacts on chart lines and text
    const double scale = pdf.width() / area.width();
    QFont footerFont = doc.defaultFont();
    footerFont.setPixelSize(11); // document pixels, scaled with the page
    for (int i = 0; i < count; ++i) {
        if (i > 0) pdf.newPage();
        p.save();
        p.scale(scale, scale);
        p.save();
        const QRectF clip(0, i * page.height(), page.width(), page.height());
        p.translate(0, -clip.top());
        p.setClipRect(clip);
        QAbstractTextDocumentLayout::PaintContext ctx;
        ctx.clip = clip;
        ctx.palette.setColor(QPalette::Text, Qt::black);
        doc.documentLayout()->draw(&p, ctx);
        p.restore();
        p.setFont(footerFont);
        p.setPen(QColor(90, 90, 90));
        const QRectF footer(doc.documentMargin(), page.height(), page.width() - 2 * doc.documentMargin(),
                            kFooter_px);
        p.drawText(footer, Qt::AlignLeft | Qt::AlignBottom,
                   o.title + QStringLiteral(" · ") + o.generated.toString(QStringLiteral("yyyy-MM-dd")));
        p.drawText(footer, Qt::AlignRight | Qt::AlignBottom,
                   QStringLiteral("page %1 of %2").arg(i + 1).arg(count));
        p.restore();
    }
    p.end();
    *pages = count;
    return {};
}

} // namespace

bool writeReport(const ExplorerSnapshot& s, const QString& path, const ReportOptions& o, QString* error,
                 int* pages) {
    const ReportFormat format = reportFormat(path);
    if (format == ReportFormat::Unknown) {
        if (error) *error = QStringLiteral("cannot write %1: unknown format (use .pdf or .html)").arg(path);
        return false;
    }
    int count = 1;
    const auto write = [&](QIODevice& file) {
        return format == ReportFormat::Html ? writeHtmlReport(s, o, file)
                                            : writePdfReport(s, o, file, &count);
    };
    if (!writeFileAtomically(path, write, error)) return false;
    if (pages) *pages = count;
    return true;
}

} // namespace bs
