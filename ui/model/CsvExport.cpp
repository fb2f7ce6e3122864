#include "model/CsvExport.h"

#include "base/AtomicWrite.h"
#include "base/Format.h"
#include "eval/ResultTables.h"

namespace bs {

namespace {
QString precisionText(Precision p) {
    const std::string_view name = precisionName(p);
    return QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size()));
}
} // namespace

std::vector<QString> scenarioColumns() {
    return {QStringLiteral("scenario"), QStringLiteral("model"), QStringLiteral("hardware"),
            QStringLiteral("precision")};
}

namespace {
std::vector<Cell> scenarioCells(const EvaluatedScenario& sc) {
    return {sc.label, sc.model ? QString::fromStdString(sc.model->graph().name) : QString(),
            QString::fromStdString(sc.hardware->variantId()), precisionText(sc.precision)};
}

std::vector<QString> withScenarioColumns(std::vector<QString> columns) {
    std::vector<QString> header = scenarioColumns();
    for (QString& c : columns)
        header.push_back(std::move(c));
    return header;
}
} // namespace

Table sweepCsvTable(const ExplorerSnapshot& s) {
    Table t(withScenarioColumns(sweepColumns()));
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc)) continue;
        const std::vector<Cell> lead = scenarioCells(sc);
        for (const SweepPoint& p : sc.sweep) {
            std::vector<Cell> row = lead;
            for (Cell& c : sweepCells(p.totals))
                row.push_back(std::move(c));
            t.addRow(std::move(row));
        }
    }
    return t;
}

Table servingCsvTable(const ExplorerSnapshot& s) {
    std::vector<QString> columns = withScenarioColumns(generationColumns());
    columns.insert(columns.end(), {QStringLiteral("meets_targets"), QStringLiteral("recommended")});
    Table t(columns);
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!servingUsable(sc)) continue;
        const std::vector<Cell> lead = scenarioCells(sc);
        for (const GenerationPoint& p : sc.serving->sweep) {
            std::vector<Cell> row = lead;
            for (Cell& c : generationCells(p, sc.serving->maxBatch))
                row.push_back(std::move(c));
            row.emplace_back(meetsTargets(p, s.serving.ttft_s, s.serving.tpot_s));
            row.emplace_back(sc.serving->recommendedBatch == p.batch);
            t.addRow(std::move(row));
        }
    }
    return t;
}

Table allLayersCsvTable(const ExplorerSnapshot& s) {
    Table t(withScenarioColumns(layerColumns()));
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc)) continue;
        const std::vector<Cell> lead = scenarioCells(sc);
        const Table layers = layerTable(sc.fusedModel(), sc.current, false);
        for (const std::vector<Cell>& cells : layers.rows()) {
            std::vector<Cell> row = lead;
            row.insert(row.end(), cells.begin(), cells.end());
            t.addRow(std::move(row));
        }
    }
    return t;
}

QString layerCsvProblem(const ExplorerSnapshot& s) {
    const int sel = s.selectedScenario;
    if (sel < 0 || sel >= static_cast<int>(s.scenarios.size()))
        return QStringLiteral("no scenario is selected (select one in the scenario list)");
    const EvaluatedScenario& sc = s.scenarios[static_cast<std::size_t>(sel)];
    if (!sc.error.isEmpty()) return QStringLiteral("%1 could not be evaluated: %2").arg(sc.label, sc.error);
    if (!sc.model || sc.current.layers.empty())
        return QStringLiteral("%1 is not evaluated yet").arg(sc.label);
    return {};
}

Table layerCsvTable(const ExplorerSnapshot& s) {
    if (!layerCsvProblem(s).isEmpty()) return Table(layerColumns());
    const EvaluatedScenario& sc = s.scenarios[static_cast<std::size_t>(s.selectedScenario)];
    return layerTable(sc.fusedModel(), sc.current, false);
}

bool writeTextFile(const QString& text, const QString& path, QString* error) {
    return writeFileAtomically(path, text.toUtf8(), error);
}

bool exportSweepCsv(const ExplorerSnapshot& s, const QString& path, QString* error) {
    return writeTextFile(sweepCsvTable(s).toCsv(), path, error);
}

bool exportLayerCsv(const ExplorerSnapshot& s, const QString& path, QString* error) {
    const QString problem = layerCsvProblem(s);
    if (!problem.isEmpty()) {
        if (error) *error = QStringLiteral("Cannot export %1: %2").arg(path, problem);
        return false;
    }
    return writeTextFile(layerCsvTable(s).toCsv(), path, error);
}

} // namespace bs
