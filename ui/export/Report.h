#pragma once
// The report: one document to send after a meeting. It holds, for the scenarios of a snapshot:
//   1. the scenarios (model, parameters, GFLOPs per sample, preset, precision) with their numbers
//      and story at the current batch;
//   2. the recommendations: per scenario the highest-throughput batch within the latency budget,
//      the max-throughput batch and the min-energy batch (engine recommend() over the sweep);
//   3. the four charts (roofline, utilization, latency vs throughput, energy), print theme;
//   4. the top layers by time at the current batch, per scenario;
//   5. every preset used, each number with its unit and source.
//
// Two forms of the same HTML: a PDF (A4, laid out by QTextDocument, charts as 2× images, page
// numbers) and a self-contained HTML file (well-formed XHTML with inline SVG charts, no external
// files). Both are written atomically (QSaveFile).
#include "model/ExplorerTypes.h"

#include <QDateTime>
#include <QSize>
#include <QString>

namespace bs {

struct ReportOptions {
    QString title = QStringLiteral("Batchscope report");
    QDateTime generated = QDateTime::currentDateTime();
    bool energyBreakdown = false; ///< the energy chart splits the selected scenario's energy
    QSize chartSize{800, 480};    ///< logical size of each chart
    int topLayers = 10;           ///< rows per scenario in "Top layers by time"
    int pdfImageWidth = 0;        ///< width of the charts' <img> in the PDF's HTML (0: chart width)
};

enum class ReportFormat { Pdf, Html, Unknown };
/// From the extension (.pdf, .html or .htm), case-insensitive.
ReportFormat reportFormat(const QString& path);

/// How the report's HTML refers to its charts.
enum class ChartEmbedding {
    InlineSvg,    ///< <svg> elements in the page (the HTML file)
    ImageResource ///< <img src="chart-roofline.png">, resources of a QTextDocument (the PDF)
};
/// The report as one XHTML document. A chart that cannot be drawn sets *error (naming it).
QString reportHtml(const ExplorerSnapshot& s, const ReportOptions& options, ChartEmbedding charts,
                   QString* error = nullptr);

/// Writes the report to `path`, PDF or HTML by its extension. On failure returns false and sets
/// *error to a message naming the file; any previous file at `path` is left intact. `pages`, when
/// given, receives the PDF's page count (1 for HTML).
bool writeReport(const ExplorerSnapshot& s, const QString& path, const ReportOptions& options, QString* error,
                 int* pages = nullptr);

} // namespace bs
