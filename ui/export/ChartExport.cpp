#include "export/ChartExport.h"

#include "base/AtomicWrite.h"
#include "charts/ChartSupport.h"
#include "charts/EnergyChart.h"
#include "charts/LatencyThroughputChart.h"
#include "charts/RooflineChart.h"
#include "charts/ServingChart.h"
#include "charts/UtilizationChart.h"

#include <QBuffer>
#include <QChart>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QGuiApplication>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QScreen>
#include <QSvgGenerator>
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

namespace bs {

namespace {

constexpr int kCaptionPad_px = 8;
const QColor kCaptionColor(50, 50, 50);
const QChar kScenarioKey(0x25A0); // ■, drawn in the scenario's colour before its label

QFont captionFont() {
    QFont f = QGuiApplication::font();
    f.setPointSizeF(std::max(9.0, f.pointSizeF()));
    return f;
}

/// A fresh chart of the same kind with the same view settings, in print mode at `size`, laid out.
std::unique_ptr<SnapshotChart> printCopy(const SnapshotChart* chart, QSize size) {
    return makePrintChart(chart->kind(), chart->snapshot(), size, chart->breakdownShown());
}

void renderChart(QPainter& p, const SnapshotChart* copy, const QRectF& target) {
    QGraphicsScene* scene = copy->scene();
    scene->render(&p, target, copy->chart()->geometry(), Qt::IgnoreAspectRatio);
}

double captionHeight(const QStringList& lines) {
    return lines.size() * QFontMetricsF(captionFont()).lineSpacing() + 2 * kCaptionPad_px;
}

/// The caption is the figure's legend: each scenario's "■" is drawn in the scenario's colour.
void drawCaption(QPainter& p, const QRectF& rect, const QStringList& lines, const ExplorerSnapshot& s) {
    p.save();
    p.setFont(captionFont());
    const QFontMetricsF fm(captionFont());
    double y = rect.top() + kCaptionPad_px + fm.ascent();
    for (const QString& line : lines) {
        double x = rect.left() + kCaptionPad_px;
        qsizetype from = 0;
        while (from < line.size()) {
            qsizetype key = line.indexOf(kScenarioKey, from);
            // The longest label that follows the key: "… · bf16" is a prefix of "… · bf16 · TensorRT".
            QColor keyColor = kCaptionColor;
            qsizetype matched = -1;
            if (key >= 0)
                for (const EvaluatedScenario& sc : s.scenarios)
                    if (sc.label.size() > matched && QStringView(line).mid(key + 2).startsWith(sc.label))
                        keyColor = sc.color, matched = sc.label.size();
            const QString text = line.mid(from, key < 0 ? -1 : key - from);
            p.setPen(kCaptionColor);
            p.drawText(QPointF(x, y), text);
            x += fm.horizontalAdvance(text);
            if (key < 0) break;
            p.setPen(keyColor);
            p.drawText(QPointF(x, y), QString(kScenarioKey));
            x += fm.horizontalAdvance(kScenarioKey);
            from = key + 1;
        }
        y += fm.lineSpacing();
    }
    p.restore();
}

/// What one image or page shows, in logical pixels.
struct Picture {
    QSize size;
    std::function<void(QPainter&)> draw;
};

bool fail(QString* error, const QString& message) {
    if (error) *error = message;
    return false;
}

/// Dots per inch the charts lay out their text at; SVG and PDF use the same, so text measured on
/// screen fits where it is drawn.
int layoutDpi() {
    return std::max(1, qRound(QGuiApplication::primaryScreen()
                                  ? QGuiApplication::primaryScreen()->logicalDotsPerInch()
                                  : 96.0));
}

bool writePng(const Picture& pic, const QString& path, double scale, QString* error) {
    QImage image(pic.size * scale, QImage::Format_ARGB32_Premultiplied);
    if (image.isNull()) return fail(error, QStringLiteral("cannot write %1: image too large").arg(path));
    const double dpm = layoutDpi() / 0.0254;
    image.setDotsPerMeterX(qRound(dpm));
    image.setDotsPerMeterY(qRound(dpm));
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    {
        QPainter p(&image);
        p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing |
                         QPainter::SmoothPixmapTransform);
        pic.draw(p);
    }
    // Declare the physical size the picture was drawn for: a 2× file prints at the 1× size.
    image.setDotsPerMeterX(qRound(dpm * scale));
    image.setDotsPerMeterY(qRound(dpm * scale));
    const auto write = [&](QIODevice& file) {
        return image.save(&file, "PNG") ? QString() : QStringLiteral("PNG encoding failed");
    };
    return writeFileAtomically(path, write, error);
}

bool writeSvg(const Picture& pic, const QString& path, const QString& caption, QString* error) {
    const auto write = [&](QIODevice& file) {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(pic.size);
        svg.setViewBox(QRect(QPoint(), pic.size));
        svg.setResolution(layoutDpi());
        svg.setTitle(QStringLiteral("Batchscope"));
        svg.setDescription(caption);
        {
            QPainter p;
            if (!p.begin(&svg)) return QStringLiteral("SVG generator failed");
            p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
            p.fillRect(QRect(QPoint(), pic.size), Qt::white);
            pic.draw(p);
        }
        return QString();
    };
    return writeFileAtomically(path, write, error);
}

bool writePdf(const std::vector<Picture>& pages, const QString& path, const QString& caption,
              QString* error) {
    const auto write = [&](QIODevice& file) {
        const int dpi = layoutDpi();
        QPdfWriter pdf(&file);
        pdf.setResolution(dpi);
        pdf.setCreator(QStringLiteral("Batchscope"));
        pdf.setTitle(caption);
        auto pageSize = [&](QSize px) { return QPageSize(QSizeF(px) * 72.0 / dpi, QPageSize::Point); };
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setPageSize(pageSize(pages.front().size));
        QPainter p;
        if (!p.begin(&pdf)) return QStringLiteral("PDF writer failed");
        for (std::size_t i = 0; i < pages.size(); ++i) {
            if (i > 0) {
                pdf.setPageSize(pageSize(pages[i].size));
                pdf.newPage();
            }
            p.save();
            // Page sizes are whole points: scale the picture onto what the page really holds.
            p.scale(pdf.width() / static_cast<double>(pages[i].size.width()),
                    pdf.height() / static_cast<double>(pages[i].size.height()));
            p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
            p.fillRect(QRect(QPoint(), pages[i].size), Qt::white);
            pages[i].draw(p);
            p.restore();
        }
        p.end();
        return QString();
    };
    return writeFileAtomically(path, write, error);
}

bool checkTarget(const QString& path, double scale, QString* error) {
    if (exportFormat(path) == ExportFormat::Unknown)
        return fail(error,
                    QStringLiteral("Cannot export %1: unknown format (use .png, .svg or .pdf)").arg(path));
    if (exportFormat(path) == ExportFormat::Png && scale != 1 && scale != 2)
        return fail(error, QStringLiteral("Cannot export %1: PNG scale must be 1 or 2").arg(path));
    return true;
}

} // namespace

const std::vector<ChartKind>& allChartKinds() {
    static const std::vector<ChartKind> all{ChartKind::Roofline, ChartKind::Utilization, ChartKind::Tradeoff,
                                            ChartKind::Energy};
    return all;
}

QString chartKindName(ChartKind kind) {
    switch (kind) {
    case ChartKind::Roofline:
        return QStringLiteral("roofline");
    case ChartKind::Utilization:
        return QStringLiteral("utilization");
    case ChartKind::Tradeoff:
        return QStringLiteral("tradeoff");
    case ChartKind::Energy:
        return QStringLiteral("energy");
    case ChartKind::Interactivity:
        return QStringLiteral("interactivity");
    case ChartKind::Ttft:
        return QStringLiteral("ttft");
    case ChartKind::Tpot:
        return QStringLiteral("tpot");
    case ChartKind::ServingMemory:
        return QStringLiteral("serving-memory");
    }
    return {};
}

const std::vector<ChartKind>& servingChartKinds() {
    static const std::vector<ChartKind> all{ChartKind::Interactivity, ChartKind::Ttft, ChartKind::Tpot,
                                            ChartKind::ServingMemory};
    return all;
}

bool hasServing(const ExplorerSnapshot& s) {
    return std::any_of(s.scenarios.begin(), s.scenarios.end(), servingUsable);
}

std::optional<ChartKind> chartKindFromName(const QString& name) {
    for (ChartKind k : allChartKinds())
        if (chartKindName(k) == name) return k;
    for (ChartKind k : servingChartKinds())
        if (chartKindName(k) == name) return k;
    return std::nullopt;
}

std::unique_ptr<SnapshotChart> makePrintChart(ChartKind kind, const ExplorerSnapshot& s, QSize size,
                                              bool energyBreakdown) {
    std::unique_ptr<SnapshotChart> chart;
    switch (kind) {
    case ChartKind::Roofline:
        chart = std::make_unique<RooflineChart>();
        break;
    case ChartKind::Utilization:
        chart = std::make_unique<UtilizationChart>();
        break;
    case ChartKind::Tradeoff:
        chart = std::make_unique<LatencyThroughputChart>();
        break;
    case ChartKind::Energy: {
        auto e = std::make_unique<EnergyChart>();
        e->setBreakdownVisible(energyBreakdown);
        chart = std::move(e);
        break;
    }
    case ChartKind::Interactivity:
        chart = std::make_unique<ServingChart>(ServingChart::Metric::Interactivity);
        break;
    case ChartKind::Ttft:
        chart = std::make_unique<ServingChart>(ServingChart::Metric::Ttft);
        break;
    case ChartKind::Tpot:
        chart = std::make_unique<ServingChart>(ServingChart::Metric::Tpot);
        break;
    case ChartKind::ServingMemory:
        chart = std::make_unique<ServingChart>(ServingChart::Metric::Memory);
        break;
    }
    chart->setAttribute(Qt::WA_DontShowOnScreen);
    chart->setPrintMode(true);
    chart->resize(size);
    // "Shown" without reaching the screen: the pending resize events reach the view and its
    // viewport, so the chart, its plot area and the batch-axis labelling follow the export size.
    chart->show();
    chart->chart()->setBackgroundRoundness(0);
    chart->setSnapshot(s, ChangeAll);
    // Layouts are otherwise activated from the event loop; render now with legend and title placed.
    if (QGraphicsLayout* layout = chart->chart()->layout()) layout->activate();
    return chart;
}

QImage renderChartImage(const SnapshotChart* chart, QSize size, double scale) {
    QImage image(size * scale, QImage::Format_ARGB32_Premultiplied);
    if (image.isNull()) return image;
    image.setDevicePixelRatio(scale);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    renderChart(p, chart, QRectF(QPointF(), size));
    return image;
}

QByteArray renderChartSvg(const SnapshotChart* chart, QSize size, const QString& title) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(), size));
    svg.setResolution(layoutDpi());
    svg.setTitle(title);
    {
        QPainter p;
        if (!p.begin(&svg)) return {};
        p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        p.fillRect(QRect(QPoint(), size), Qt::white);
        renderChart(p, chart, QRectF(QPointF(), size));
    }
    return bytes;
}

ExportFormat exportFormat(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png")) return ExportFormat::Png;
    if (suffix == QLatin1String("svg")) return ExportFormat::Svg;
    if (suffix == QLatin1String("pdf")) return ExportFormat::Pdf;
    return ExportFormat::Unknown;
}

double exportScaleFromName(const QString& path) {
    return QFileInfo(path).completeBaseName().endsWith(QLatin1String("@2x"), Qt::CaseInsensitive) ? 2 : 1;
}

namespace {
QStringList captionItems(const ExplorerSnapshot& s) {
    QString head = QStringLiteral("Batch %1").arg(s.batch);
    if (s.latencyBudget_s) head += QStringLiteral(", latency budget ") + formatSeconds(*s.latencyBudget_s);
    QStringList items{head};
    for (const EvaluatedScenario& sc : s.scenarios)
        if (usable(sc)) items << QString(kScenarioKey) + QLatin1Char(' ') + sc.label;
    return items;
}
} // namespace

QString exportCaption(const ExplorerSnapshot& s) {
    const QStringList items = captionItems(s);
    return items.size() == 1
               ? items.front()
               : items.front() + QStringLiteral(" — ") + items.mid(1).join(QStringLiteral("; "));
}

QStringList captionLines(const ExplorerSnapshot& s, double width_px) {
    const QStringList items = captionItems(s);
    const QFontMetricsF fm(captionFont());
    QStringList lines;
    QString line;
    for (int i = 0; i < items.size(); ++i) {
        const QString sep = i == 1 ? QStringLiteral(" — ") : QStringLiteral("; ");
        const QString& item = items[i];
        if (line.isEmpty()) {
            line = item;
        } else if (fm.horizontalAdvance(line + sep + item) <= width_px) {
            line += sep + item;
        } else {
            lines << line + sep.trimmed();
            line = item;
        }
        // A single label wider than the line: break it at spaces so that nothing is cut off.
        while (fm.horizontalAdvance(line) > width_px) {
            int cut = static_cast<int>(line.size());
            while (cut > 0 &&
                   (line[cut - 1] != QLatin1Char(' ') || fm.horizontalAdvance(line.left(cut - 1)) > width_px))
                --cut;
            if (cut <= 1) break;
            lines << line.left(cut - 1);
            line = line.mid(cut);
        }
    }
    if (!line.isEmpty()) lines << line;
    return lines;
}

QSize exportChartSize(const SnapshotChart* chart) {
    return chart->size().expandedTo(kMinExportSize);
}

bool exportChart(const SnapshotChart* chart, const QString& path, double scale, QString* error) {
    if (!checkTarget(path, scale, error)) return false;
    const QSize size = exportChartSize(chart);
    std::unique_ptr<SnapshotChart> copy = printCopy(chart, size);
    if (!copy) return fail(error, QStringLiteral("Cannot export %1: not an explorer chart").arg(path));
    const ExplorerSnapshot& s = chart->snapshot();
    const QStringList lines = captionLines(s, size.width() - 2 * kCaptionPad_px);
    const int captionH = static_cast<int>(std::ceil(captionHeight(lines)));
    const Picture pic{QSize(size.width(), size.height() + captionH), [&](QPainter& p) {
                          renderChart(p, copy.get(), QRectF(QPointF(), size));
                          drawCaption(p, QRectF(0, size.height(), size.width(), captionH), lines, s);
                      }};
    switch (exportFormat(path)) {
    case ExportFormat::Png:
        return writePng(pic, path, scale, error);
    case ExportFormat::Svg:
        return writeSvg(pic, path, exportCaption(s), error);
    case ExportFormat::Pdf:
        return writePdf({pic}, path, exportCaption(s), error);
    case ExportFormat::Unknown:
        break;
    }
    return false;
}

bool exportAllCharts(const std::vector<SnapshotChart*>& charts, const QString& path, double scale,
                     QString* error) {
    if (!checkTarget(path, scale, error)) return false;
    if (charts.empty()) return fail(error, QStringLiteral("Cannot export %1: no charts").arg(path));
    QSize cell(0, 0);
    for (const SnapshotChart* c : charts)
        cell = cell.expandedTo(exportChartSize(c));
    std::vector<std::unique_ptr<SnapshotChart>> copies;
    for (const SnapshotChart* c : charts) {
        copies.push_back(printCopy(c, cell));
        if (!copies.back())
            return fail(error, QStringLiteral("Cannot export %1: not an explorer chart").arg(path));
    }
    const ExplorerSnapshot& s = charts.front()->snapshot();
    const QString caption = exportCaption(s);

    if (exportFormat(path) == ExportFormat::Pdf) {
        const QStringList lines = captionLines(s, cell.width() - 2 * kCaptionPad_px);
        const int captionH = static_cast<int>(std::ceil(captionHeight(lines)));
        std::vector<Picture> pages;
        for (const auto& copy : copies) {
            SnapshotChart* chart = copy.get();
            pages.push_back({QSize(cell.width(), cell.height() + captionH),
                             [chart, cell, captionH, lines, &s](QPainter& p) {
                                 renderChart(p, chart, QRectF(QPointF(), cell));
                                 drawCaption(p, QRectF(0, cell.height(), cell.width(), captionH), lines, s);
                             }});
        }
        return writePdf(pages, path, caption, error);
    }

    const int columns = charts.size() > 1 ? 2 : 1;
    const int rows = static_cast<int>((charts.size() + columns - 1) / columns);
    const QSize grid(columns * cell.width(), rows * cell.height());
    const QStringList lines = captionLines(s, grid.width() - 2 * kCaptionPad_px);
    const int captionH = static_cast<int>(std::ceil(captionHeight(lines)));
    const Picture pic{QSize(grid.width(), grid.height() + captionH), [&](QPainter& p) {
                          for (std::size_t i = 0; i < copies.size(); ++i) {
                              const QPointF at((static_cast<int>(i) % columns) * cell.width(),
                                               (static_cast<int>(i) / columns) * cell.height());
                              renderChart(p, copies[i].get(), QRectF(at, cell));
                          }
                          drawCaption(p, QRectF(0, grid.height(), grid.width(), captionH), lines, s);
                      }};
    if (exportFormat(path) == ExportFormat::Png) return writePng(pic, path, scale, error);
    return writeSvg(pic, path, caption, error);
}

} // namespace bs
