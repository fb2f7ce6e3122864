#pragma once
// Export of the explorer charts to files: PNG (1× or 2× pixels), SVG and PDF, drawn in a
// print-friendly theme (light, white background, legend and full title) with a caption under the
// chart naming the batch and every drawn scenario (model, preset, precision).
//
// The chart on screen is never touched: each export draws a private copy of the chart, fed the
// same snapshot, in print mode and at the export size. So the on-screen theme, compact mode,
// hover state and layout stay as they are, and the export does not depend on how small the chart
// happens to be in the window's grid.
//
// Formats come from the file's extension. PNG: rendered into an image whose device pixel ratio is
// the scale (what grab() does for a high-DPI screen), so its pixel size is scale × logical size;
// a base name ending in "@2x" asks for scale 2. SVG and PDF are vector (QSvgGenerator,
// QPdfWriter): one page per chart, page size = the chart's logical size. Files are written
// atomically (QSaveFile): a failed export leaves any previous file intact.
#include "charts/ChartSupport.h"
#include "model/ExplorerTypes.h"

#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

namespace bs {

class SnapshotChart;

/// The explorer's four charts, in the order of its 2×2 grid.
const std::vector<ChartKind>& allChartKinds();
/// The serving view's charts (ServingChart), exported where a scenario has a generation.
const std::vector<ChartKind>& servingChartKinds();
bool hasServing(const ExplorerSnapshot& s);
/// "roofline", "utilization", "tradeoff" (latency vs throughput), "energy": the command line's names.
QString chartKindName(ChartKind kind);
std::optional<ChartKind> chartKindFromName(const QString& name);

/// A chart of `kind` drawing `s` in print mode at `size`, laid out and never shown on screen: what
/// exports, the report and the headless commands draw. `energyBreakdown` applies to the energy chart.
std::unique_ptr<SnapshotChart> makePrintChart(ChartKind kind, const ExplorerSnapshot& s, QSize size,
                                              bool energyBreakdown = false);
/// `chart` (made by makePrintChart at `size`) as pixels, `scale` × `size`, without a caption.
QImage renderChartImage(const SnapshotChart* chart, QSize size, double scale);
/// `chart` (made by makePrintChart at `size`) as an SVG document, without a caption; empty on failure.
QByteArray renderChartSvg(const SnapshotChart* chart, QSize size, const QString& title);

enum class ExportFormat { Png, Svg, Pdf, Unknown };
/// From the extension, case-insensitive.
ExportFormat exportFormat(const QString& path);
/// 2 when the base name ends in "@2x" ("roofline@2x.png"), else 1.
double exportScaleFromName(const QString& path);

/// "Batch 64 — resnet50 224² · NVIDIA H100 SXM5 80GB · bf16; resnet50 224² · Google TPU v4 · bf16":
/// the batch, the latency budget when set, and the label of every drawn scenario.
QString exportCaption(const ExplorerSnapshot& s);
/// The caption split into lines of at most `width_px` (in the caption font) without breaking a
/// scenario label unless it is wider than a line by itself.
QStringList captionLines(const ExplorerSnapshot& s, double width_px);

/// Logical size of a chart in an export, caption excluded: its size on screen, but at least
/// kMinExportSize so the legend and the full title fit.
QSize exportChartSize(const SnapshotChart* chart);
inline constexpr QSize kMinExportSize{720, 450};

/// One chart with its caption. PNG: scale × (chart size + caption) pixels; SVG: the same logical
/// size; PDF: one page. `scale` applies to PNG only (1 or 2; anything else is an error).
bool exportChart(const SnapshotChart* chart, const QString& path, double scale, QString* error);
/// Every chart in `charts` (the explorer's four). PNG and SVG: one 2×2 picture (cells of the
/// largest chart's export size, row-major) with one caption under the grid; PDF: one page per
/// chart, each with the caption.
bool exportAllCharts(const std::vector<SnapshotChart*>& charts, const QString& path, double scale,
                     QString* error);

} // namespace bs
