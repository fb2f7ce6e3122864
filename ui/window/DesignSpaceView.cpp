#include "window/DesignSpaceView.h"

#include "base/Format.h"
#include "charts/HeatMap.h"
#include "model/DesignSpaceRun.h"
#include "model/Explorer.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>
#include <limits>

namespace bs {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
const char* const kNoAxis = "(none)";

// The axes offered in the lists (any other preset path or model.KNOB can be typed).
const QStringList& commonPaths() {
    static const QStringList paths{QStringLiteral("memory.dram.bandwidth_gb_s"),
                                   QStringLiteral("memory.onchip.capacity_mib"),
                                   QStringLiteral("compute_units"),
                                   QStringLiteral("clock_ghz"),
                                   QStringLiteral("peak_tflops.bf16"),
                                   QStringLiteral("peak_tflops.int8"),
                                   QStringLiteral("energy.tdp_watts"),
                                   QStringLiteral("memory.dram.capacity_gib"),
                                   QStringLiteral("efficiency.compute_fraction"),
                                   QStringLiteral("cost.usd_per_device_hour"),
                                   QStringLiteral("model.seq"),
                                   QStringLiteral("model.resolution")};
    return paths;
}

// An axis with the values' range: log when they span more than a decade and are all positive.
QAbstractAxis* valueAxis(double lo, double hi, const QString& title) {
    if (lo > 0 && hi / lo > 20) {
        auto* a = new QLogValueAxis;
        a->setBase(10);
        a->setRange(lo / 1.3, hi * 1.3);
        a->setLabelFormat(QStringLiteral("%g"));
        a->setTitleText(title);
        return a;
    }
    auto* a = new QValueAxis;
    const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(1e-9, 0.05 * std::abs(hi));
    a->setRange(lo - pad, hi + pad);
    a->setTitleText(title);
    a->applyNiceNumbers();
    return a;
}

// `x` below and `y` left, every series of `chart` on both.
void attachAxes(QChart* chart, QAbstractAxis* x, QAbstractAxis* y) {
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* series : chart->series()) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
}

void setChart(QChartView* view, QChart* chart, bool dark) {
    chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->legend()->setAlignment(Qt::AlignBottom);
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

} // namespace

DesignSpaceView::DesignSpaceView(Explorer* explorer, QWidget* parent)
    : QWidget(parent), explorer_(explorer), run_(new DesignSpaceRun(explorer, this)) {
    auto editableCombo = [](const QStringList& items, const QString& tip) {
        auto* c = new QComboBox;
        c->setEditable(true);
        c->addItems(items);
        c->setMinimumContentsLength(18);
        c->setToolTip(tip);
        return c;
    };
    const QString pathTip =
        tr("A number field of the preset format by its path (docs/PRESETS.md), or a model "
           "knob as model.NAME; type any other");
    const QString valuesTip =
        tr("Values: 1,2,4 · 6..9 (steps of 1) · 500..4000:16 (16 evenly spaced) · 8..1024*2 (×2 each step)");
    path1_ = editableCombo(commonPaths(), pathTip);
    values1_ = new QLineEdit; // its text, like every set-up field, comes from applySettings()
    values1_->setToolTip(valuesTip);
    path2_ = editableCombo(QStringList{QString::fromLatin1(kNoAxis)} + commonPaths(), pathTip);
    values2_ = new QLineEdit;
    values2_->setToolTip(valuesTip);
    values2_->setPlaceholderText(tr("values of the second field"));
    objective_ = new QComboBox;
    objective_->addItems({tr("Throughput"), tr("Latency"), tr("Energy"), tr("Cost")});
    objective_->setToolTip(tr("The batch each design point is judged at: the highest throughput within the "
                              "latency budget (without one: the knee), the least energy or the least cost "
                              "per inference within it"));
    metric_ = new QComboBox;
    metric_->addItems({tr("Throughput (inf/s)"), tr("Latency (ms)"), tr("Energy (mJ/inf)"),
                       tr("Cost ($/M inf)"), tr("Batch")});
    metric_->setToolTip(tr("What the line chart or the heat map shows, at the batch the objective picks"));
    pareto_ = new QComboBox;
    pareto_->addItems({tr("Latency vs energy"), tr("Cost vs throughput")});
    pareto_->setToolTip(tr("The Pareto chart's axes: both to minimise, or cost to minimise against "
                           "throughput to maximise"));
    heatScenario_ = new QComboBox;
    heatScenario_->setToolTip(tr("The scenario the heat map shows"));
    runButton_ = new QPushButton(tr("Run"));
    runButton_->setToolTip(tr("Sweep the shown scenarios over the design points, in the background"));
    cancelButton_ = new QPushButton(tr("Cancel"));
    cancelButton_->setEnabled(false);
    progress_ = new QProgressBar;
    progress_->setMaximumWidth(180);
    progress_->setVisible(false);
    status_ = new QLabel;
    status_->setObjectName(QStringLiteral("designStatus"));
    status_->setWordWrap(true);
    selected_ = new QLabel(tr("Click a point of the Pareto chart to pick a design."));
    selected_->setWordWrap(true);
    useButton_ = new QPushButton(tr("Use this design"));
    useButton_->setToolTip(tr("Save the design as a user preset derived from the scenario's (derived_from "
                              "kept) and add a scenario on it"));
    useButton_->setEnabled(false);

    auto* axes = new QHBoxLayout;
    axes->addWidget(new QLabel(tr("Vary")));
    axes->addWidget(path1_);
    axes->addWidget(values1_, 1);
    axes->addWidget(new QLabel(tr("and")));
    axes->addWidget(path2_);
    axes->addWidget(values2_, 1);
    auto* controls = new QHBoxLayout;
    for (auto [label, w] : {std::pair{tr("Objective"), static_cast<QWidget*>(objective_)},
                            std::pair{tr("Show"), static_cast<QWidget*>(metric_)},
                            std::pair{tr("Heat map of"), static_cast<QWidget*>(heatScenario_)},
                            std::pair{tr("Pareto"), static_cast<QWidget*>(pareto_)}}) {
        controls->addWidget(new QLabel(label));
        controls->addWidget(w);
    }
    controls->addWidget(runButton_);
    controls->addWidget(cancelButton_);
    controls->addWidget(progress_);
    controls->addStretch(1);
    lineView_ = new QChartView;
    lineView_->setRenderHint(QPainter::Antialiasing);
    heat_ = new HeatMap;
    spaceStack_ = new QStackedWidget;
    spaceStack_->addWidget(lineView_);
    spaceStack_->addWidget(heat_);
    paretoView_ = new QChartView;
    paretoView_->setRenderHint(QPainter::Antialiasing);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(spaceStack_);
    split->addWidget(paretoView_);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(selected_, 1);
    bottom->addWidget(useButton_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(axes);
    layout->addLayout(controls);
    layout->addWidget(status_);
    layout->addWidget(split, 1);
    layout->addLayout(bottom);
    setChart(lineView_, new QChart, dark_);
    setChart(paretoView_, new QChart, dark_);

    QElapsedTimer* clock = &clock_;
    connect(runButton_, &QPushButton::clicked, this, &DesignSpaceView::run);
    connect(cancelButton_, &QPushButton::clicked, this, &DesignSpaceView::cancel);
    connect(useButton_, &QPushButton::clicked, this, &DesignSpaceView::useSelectedDesign);
    connect(run_, &DesignSpaceRun::progress, this, [this](int done, int total) {
        progress_->setRange(0, total);
        progress_->setValue(done);
    });
    auto stopped = [this](const QString& text) {
        runButton_->setEnabled(true);
        cancelButton_->setEnabled(false);
        progress_->setVisible(false);
        status_->setText(text);
    };
    connect(run_, &DesignSpaceRun::finished, this, [this, stopped, clock] {
        const DesignSpaceResult& r = run_->result();
        heatScenario_->clear();
        for (const QString& l : r.labels)
            heatScenario_->addItem(l);
        selectedRow_.reset();
        useButton_->setEnabled(false);
        stopped(tr("%1 design points × %2 scenarios × %3 batches in %4 s")
                    .arg(designPoints(r.request.axes).size())
                    .arg(r.scenarios.size())
                    .arg(r.request.batches.size())
                    .arg(clock->isValid() ? clock->elapsed() / 1000.0 : 0.0, 0, 'f', 2));
        redraw();
    });
    connect(run_, &DesignSpaceRun::failed, this, [stopped](const QString& m) { stopped(m); });
    connect(run_, &DesignSpaceRun::cancelled, this, [this, stopped] { stopped(tr("Cancelled.")); });
    for (QComboBox* c : {metric_, pareto_, heatScenario_})
        connect(c, &QComboBox::currentIndexChanged, this, [this] { redraw(); });

    // The set-up lives in the explorer, so that sessions save it and an opened one shows here.
    applySettings(explorer_->designSpace());
    const auto store = [this] { explorer_->setDesignSpace(settings()); };
    for (QComboBox* c : {path1_, path2_})
        connect(c, &QComboBox::currentTextChanged, this, store);
    for (QLineEdit* e : {values1_, values2_})
        connect(e, &QLineEdit::textChanged, this, store);
    for (QComboBox* c : {objective_, metric_, pareto_})
        connect(c, &QComboBox::currentIndexChanged, this, store);
    connect(explorer_, &Explorer::designSpaceChanged, this, [this] {
        if (!(settings() == explorer_->designSpace())) applySettings(explorer_->designSpace());
    });
}

DesignSpaceSettings DesignSpaceView::settings() const {
    DesignSpaceSettings s;
    s.path1 = path1_->currentText().trimmed();
    s.values1 = values1_->text().trimmed();
    const QString second = path2_->currentText().trimmed();
    s.path2 = second == QLatin1String(kNoAxis) ? QString() : second;
    s.values2 = values2_->text().trimmed();
    s.objective = DesignSpaceSettings::kObjectives.value(objective_->currentIndex());
    s.metric = DesignSpaceSettings::kMetrics.value(metric_->currentIndex());
    s.pareto = DesignSpaceSettings::kParetos.value(pareto_->currentIndex());
    return s;
}

void DesignSpaceView::applySettings(const DesignSpaceSettings& s) {
    {
        const QSignalBlocker b1(path1_), b2(values1_), b3(path2_), b4(values2_), b5(objective_), b6(metric_),
            b7(pareto_);
        configure(s.path1, s.values1, s.path2, s.values2);
        objective_->setCurrentIndex(
            std::max<qsizetype>(0, DesignSpaceSettings::kObjectives.indexOf(s.objective)));
        metric_->setCurrentIndex(std::max<qsizetype>(0, DesignSpaceSettings::kMetrics.indexOf(s.metric)));
        pareto_->setCurrentIndex(std::max<qsizetype>(0, DesignSpaceSettings::kParetos.indexOf(s.pareto)));
    }
    redraw();
}

void DesignSpaceView::configure(const QString& path1, const QString& values1, const QString& path2,
                                const QString& values2) {
    path1_->setCurrentText(path1);
    values1_->setText(values1);
    path2_->setCurrentText(path2.isEmpty() ? QString::fromLatin1(kNoAxis) : path2);
    values2_->setText(values2);
}

void DesignSpaceView::run() {
    QStringList axes{path1_->currentText().trimmed() + QLatin1Char('=') + values1_->text().trimmed()};
    const QString second = path2_->currentText().trimmed();
    if (!second.isEmpty() && second != QLatin1String(kNoAxis))
        axes << second + QLatin1Char('=') + values2_->text().trimmed();
    const QString error = run_->start(
        axes, kAllObjectives.at(static_cast<std::size_t>(std::max(0, objective_->currentIndex()))));
    if (!error.isEmpty()) {
        status_->setText(error);
        return;
    }
    clock_.start();
    status_->setText(tr("Sweeping…"));
    runButton_->setEnabled(false);
    cancelButton_->setEnabled(true);
    progress_->setValue(0);
    progress_->setVisible(true);
}

void DesignSpaceView::cancel() {
    run_->cancel();
}

void DesignSpaceView::setMetric(Metric m) {
    metric_->setCurrentIndex(static_cast<int>(m));
}

void DesignSpaceView::setPareto(Pareto p) {
    pareto_->setCurrentIndex(static_cast<int>(p));
}

QString DesignSpaceView::statusText() const {
    return status_->text();
}

void DesignSpaceView::setDarkTheme(bool dark) {
    dark_ = dark;
    heat_->setDarkTheme(dark);
    redraw();
}

double DesignSpaceView::metricOf(const DesignSummary& s) const {
    if (!s.batch) return kNan;
    switch (static_cast<Metric>(metric_->currentIndex())) {
    case Metric::Throughput:
        return s.totals.throughput_per_s;
    case Metric::Latency:
        return s.totals.latency_s * 1e3;
    case Metric::Energy:
        return s.totals.energyPerInference.total() * 1e3;
    case Metric::Cost:
        return s.totals.usdPerMillion > 0 ? s.totals.usdPerMillion : kNan;
    case Metric::Batch:
        return *s.batch;
    }
    return kNan;
}

QString DesignSpaceView::metricTitle() const {
    return metric_->currentText();
}

void DesignSpaceView::redraw() {
    const DesignSpaceResult& r = run_->result();
    if (r.rows.empty()) return;
    spaceStack_->setCurrentIndex(r.request.axes.size() == 2 ? 1 : 0);
    if (r.request.axes.size() == 2)
        drawHeatMap();
    else
        drawLine();
    drawPareto();
}

// One axis: the metric against the field's values, a line per scenario, and a dashed vertical line
// at each scenario's current value.
void DesignSpaceView::drawLine() {
    const DesignSpaceResult& r = run_->result();
    auto* chart = new QChart;
    chart->setTitle(tr("%1 against %2").arg(metricTitle(), QString::fromStdString(r.request.axes[0].path)));
    double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
    std::vector<QLineSeries*> lines;
    for (std::size_t s = 0; s < r.scenarios.size(); ++s) {
        auto* line = new QLineSeries;
        line->setName(r.labels[s]);
        line->setColor(r.scenarios[s].color);
        line->setPointsVisible(true);
        for (const DesignRow& row : r.rows) {
            const double y = metricOf(row.summary);
            if (row.scenario != s || !std::isfinite(y)) continue;
            line->append(row.values[0], y);
            xlo = std::min(xlo, row.values[0]), xhi = std::max(xhi, row.values[0]);
            ylo = std::min(ylo, y), yhi = std::max(yhi, y);
        }
        lines.push_back(line);
    }
    if (!std::isfinite(ylo)) ylo = 0, yhi = 1, xlo = 0, xhi = 1;
    for (QLineSeries* l : lines)
        chart->addSeries(l);
    for (std::size_t s = 0; s < r.scenarios.size(); ++s) {
        const double x = r.current[s][0];
        if (!std::isfinite(x)) continue;
        auto* mark = new QLineSeries;
        mark->setName(tr("%1: preset").arg(r.labels[s].section(QStringLiteral(" · "), 1, 1)));
        QPen pen(r.scenarios[s].color, 1.5, Qt::DashLine);
        mark->setPen(pen);
        mark->append(x, ylo);
        mark->append(x, yhi);
        xlo = std::min(xlo, x), xhi = std::max(xhi, x);
        chart->addSeries(mark);
    }
    QAbstractAxis* ax = valueAxis(xlo, xhi, QString::fromStdString(r.request.axes[0].path));
    QAbstractAxis* ay = valueAxis(ylo, yhi, metricTitle());
    attachAxes(chart, ax, ay);
    setChart(lineView_, chart, dark_);
}

// Two axes: the selected scenario's metric over the grid, the budget's contour, its preset ringed.
void DesignSpaceView::drawHeatMap() {
    const DesignSpaceResult& r = run_->result();
    const std::size_t s = static_cast<std::size_t>(std::max(0, heatScenario_->currentIndex()));
    if (s >= r.scenarios.size()) return;
    HeatMap::Data d;
    d.xs = r.request.axes[0].values;
    d.ys = r.request.axes[1].values;
    d.xLabel = QString::fromStdString(r.request.axes[0].path);
    d.yLabel = QString::fromStdString(r.request.axes[1].path);
    d.title = tr("%1 · %2").arg(metricTitle(), r.labels[s]);
    d.unit = metricTitle().section(QLatin1Char('('), 1).remove(QLatin1Char(')'));
    d.hasBudget = r.request.latencyBudget_s.has_value();
    const std::size_t points = d.xs.size() * d.ys.size();
    for (std::size_t i = 0; i < points; ++i) {
        const DesignRow& row = r.rows[s * points + i];
        d.values.push_back(metricOf(row.summary));
        d.meetsBudget.push_back(
            row.summary.batch &&
            (!r.request.latencyBudget_s || row.summary.totals.latency_s <= *r.request.latencyBudget_s));
    }
    d.currentX = r.current[s][0];
    d.currentY = r.current[s][1];
    heat_->setData(std::move(d));
}

// Every design point of every scenario; the front opaque and joined, the dominated faded.
void DesignSpaceView::drawPareto() {
    const DesignSpaceResult& r = run_->result();
    const bool cost = pareto_->currentIndex() == static_cast<int>(Pareto::CostThroughput);
    std::vector<std::pair<double, double>> xy; // as drawn
    std::vector<std::pair<double, double>> minimised;
    for (const DesignRow& row : r.rows) {
        const Totals& t = row.summary.totals;
        const bool ok = row.summary.batch.has_value();
        const double x = !ok    ? kNan
                         : cost ? (t.usdPerMillion > 0 ? t.usdPerMillion : kNan)
                                : t.latency_s * 1e3;
        const double y = !ok ? kNan : cost ? t.throughput_per_s : t.energyPerInference.total() * 1e3;
        xy.emplace_back(x, y);
        minimised.emplace_back(x, cost ? -y : y);
    }
    const std::vector<bool> front = cost ? paretoFront(minimised) : [&] {
        std::vector<bool> f;
        for (const DesignRow& row : r.rows)
            f.push_back(row.pareto);
        return f;
    }();
    auto* chart = new QChart;
    chart->setTitle(cost ? tr("Cost per million inferences against throughput")
                         : tr("Latency against energy per inference"));
    double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
    std::vector<std::pair<double, double>> frontPoints;
    for (std::size_t s = 0; s < r.scenarios.size(); ++s)
        for (bool onFront : {false, true}) {
            auto* series = new QScatterSeries;
            QColor c = r.scenarios[s].color;
            if (!onFront) c.setAlpha(70);
            series->setColor(c);
            series->setBorderColor(onFront ? c.darker(140) : Qt::transparent);
            series->setMarkerSize(onFront ? 10 : 7);
            series->setName(onFront ? r.labels[s] : QString());
            auto rows = std::make_shared<std::vector<std::size_t>>();
            for (std::size_t i = 0; i < r.rows.size(); ++i) {
                if (r.rows[i].scenario != s || front[i] != onFront || !std::isfinite(xy[i].first) ||
                    !std::isfinite(xy[i].second))
                    continue;
                series->append(xy[i].first, xy[i].second);
                rows->push_back(i);
                xlo = std::min(xlo, xy[i].first), xhi = std::max(xhi, xy[i].first);
                ylo = std::min(ylo, xy[i].second), yhi = std::max(yhi, xy[i].second);
                if (onFront) frontPoints.push_back(xy[i]);
            }
            connect(series, &QScatterSeries::clicked, this, [this, rows, series](const QPointF& p) {
                std::size_t best = 0;
                double bestD = std::numeric_limits<double>::infinity();
                for (std::size_t k = 0; k < rows->size(); ++k) {
                    const QPointF q = series->at(static_cast<int>(k));
                    const double dist = std::hypot(std::log(q.x() / p.x()), std::log(q.y() / p.y()));
                    if (dist < bestD) bestD = dist, best = k;
                }
                if (!rows->empty()) selectRow((*rows)[best]);
            });
            chart->addSeries(series);
            if (!onFront) chart->legend()->markers(series).value(0)->setVisible(false);
        }
    std::sort(frontPoints.begin(), frontPoints.end());
    auto* frontLine = new QLineSeries;
    frontLine->setName(tr("Pareto front"));
    frontLine->setPen(QPen(dark_ ? QColor(220, 220, 220) : QColor(60, 60, 60), 1.5, Qt::DashLine));
    for (const auto& [x, y] : frontPoints)
        frontLine->append(x, y);
    chart->addSeries(frontLine);
    if (selectedRow_ && *selectedRow_ < r.rows.size() && std::isfinite(xy[*selectedRow_].first)) {
        auto* ring = new QScatterSeries;
        ring->setName(tr("selected"));
        ring->setColor(Qt::transparent);
        ring->setBorderColor(dark_ ? Qt::white : Qt::black);
        ring->setMarkerSize(18);
        ring->append(xy[*selectedRow_].first, xy[*selectedRow_].second);
        chart->addSeries(ring);
    }
    if (!std::isfinite(xlo)) xlo = 1, xhi = 2, ylo = 1, yhi = 2;
    QAbstractAxis* ax =
        valueAxis(xlo, xhi, cost ? tr("Cost ($ per million inferences)") : tr("Latency (ms)"));
    QAbstractAxis* ay =
        valueAxis(ylo, yhi, cost ? tr("Throughput (inferences/s)") : tr("Energy (mJ per inference)"));
    attachAxes(chart, ax, ay);
    setChart(paretoView_, chart, dark_);
}

void DesignSpaceView::selectRow(std::size_t row) {
    const DesignSpaceResult& r = run_->result();
    if (row >= r.rows.size()) return;
    selectedRow_ = row;
    const DesignRow& d = r.rows[row];
    QStringList values;
    for (std::size_t i = 0; i < r.request.axes.size(); ++i)
        values << QStringLiteral("%1 = %2").arg(QString::fromStdString(r.request.axes[i].path),
                                                formatNumber(d.values[i]));
    QString text = r.labels[d.scenario] + QStringLiteral(" · ") + values.join(QStringLiteral(", "));
    if (d.summary.batch) {
        const Totals& t = d.summary.totals;
        text += tr(" · batch %1: %2, %3 inf/s, %4 mJ/inf")
                    .arg(*d.summary.batch)
                    .arg(formatSeconds(t.latency_s), formatNumber(t.throughput_per_s),
                         formatNumber(t.energyPerInference.total() * 1e3));
        if (t.usdPerMillion > 0) text += tr(", $%1 per million").arg(formatNumber(t.usdPerMillion));
    } else {
        text += QStringLiteral(" · ") + QString::fromStdString(d.summary.reason);
    }
    selected_->setText(text);
    useButton_->setEnabled(true);
    drawPareto();
}

int DesignSpaceView::useSelectedDesign() {
    if (!selectedRow_) return -1;
    QString error;
    const int id = run_->adopt(*selectedRow_, &error);
    if (id < 0) {
        status_->setText(tr("Could not use the design: %1").arg(error));
        return -1;
    }
    emit scenarioAdded(id, tr("Added a scenario on the chosen design: %1").arg(selected_->text()));
    return id;
}

} // namespace bs
