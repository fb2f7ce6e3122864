#include "charts/EnergyChart.h"

#include <QAction>
#include <QChart>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace bs {

namespace {

struct Component {
    const char* name;
    double EnergyBreakdown::*joules;
    Qt::PenStyle style;
    int shade; ///< QColor::lighter/darker factor (> 100 lighter, < 100 darker)
};

constexpr std::array<Component, 4> kComponents = {{
    {"static", &EnergyBreakdown::static_j, Qt::DotLine, 60},
    {"compute", &EnergyBreakdown::compute_j, Qt::DashLine, 100},
    {"DRAM", &EnergyBreakdown::dram_j, Qt::DashDotLine, 75},
    {"on-chip", &EnergyBreakdown::sram_j, Qt::DashDotDotLine, 135},
}};
constexpr std::array<const char*, 4> kDefinitions = {"static power × latency", "pJ/FLOP × FLOPs",
                                                     "pJ/byte × DRAM bytes", "pJ/byte × on-chip bytes"};

QColor shade(const QColor& c, int factor) {
    return factor >= 100 ? c.lighter(factor) : c.darker(10000 / factor);
}

} // namespace

EnergyChart::EnergyChart(QWidget* parent) : SnapshotChart(parent) {
    breakdownAction_ = new QAction(QStringLiteral("Show energy breakdown"), this);
    breakdownAction_->setCheckable(true);
    breakdownAction_->setToolTip(
        QStringLiteral("Static, compute, DRAM and on-chip energy of the selected scenario"));
    connect(breakdownAction_, &QAction::toggled, this, &EnergyChart::setBreakdownVisible);
    addAction(breakdownAction_);
    setContextMenuPolicy(Qt::ActionsContextMenu);
}

void EnergyChart::setBreakdownVisible(bool on) {
    if (on == breakdown_) return;
    breakdown_ = on;
    breakdownAction_->setChecked(on);
    if (!snapshot().scenarios.empty() || chart()->series().size() > 0) {
        rebuild();
        placeLabels();
    }
    emit breakdownVisibleChanged(on);
}

QPointF EnergyChart::value(const EvaluatedScenario& sc, const Totals& t) const {
    return {static_cast<double>(t.batch),
            t.energyPerInference.total() / sampleUnit(sc).perSample() / unit_j_};
}

int EnergyChart::pickBreakdownScenario() const {
    const ExplorerSnapshot& s = snapshot();
    const int sel = s.selectedScenario;
    if (sel >= 0 && sel < static_cast<int>(s.scenarios.size()) &&
        usable(s.scenarios[static_cast<std::size_t>(sel)]))
        return sel;
    for (std::size_t i = 0; i < s.scenarios.size(); ++i)
        if (usable(s.scenarios[i])) return static_cast<int>(i);
    return -1;
}

void EnergyChart::rebuild() {
    const ExplorerSnapshot& s = snapshot();
    breakdownScenario_ = breakdown_ ? pickBreakdownScenario() : -1;
    double top = 0, low = 0;
    auto widen = [&](double j) {
        if (!(j > 0)) return;
        top = std::max(top, j);
        low = low > 0 ? std::min(low, j) : j;
    };
    for (const EvaluatedScenario& sc : s.scenarios) {
        if (!usable(sc)) continue;
        const double per = sampleUnit(sc).perSample();
        for (const SweepPoint& p : sc.sweep)
            widen(p.totals.energyPerInference.total() / per);
        widen(sc.current.totals.energyPerInference.total() / per);
    }
    if (breakdownScenario_ >= 0) {
        const EvaluatedScenario& sc = s.scenarios[static_cast<std::size_t>(breakdownScenario_)];
        for (const SweepPoint& p : sc.sweep)
            for (const Component& c : kComponents)
                widen(p.totals.energyPerInference.*c.joules / sampleUnit(sc).perSample());
    }
    unit_j_ = top >= 1 ? 1 : top >= 1e-3 ? 1e-3 : 1e-6;
    const QString unit = unit_j_ == 1      ? QStringLiteral("J")
                         : unit_j_ == 1e-3 ? QStringLiteral("mJ")
                                           : QStringLiteral("µJ");

    const UnitWords words = unitWords(s);
    resetChart(
        QStringLiteral("<b>Energy per %1 vs batch</b><br><small>static (static power under load × latency) "
                       "+ dynamic (compute, DRAM, on-chip) ÷ batch &nbsp;· ● current batch &nbsp;· – – ✕ "
                       "does not fit</small>")
            .arg(words.per));
    sweep_.reset();
    auto* ax = makeLogAxis(2, QStringLiteral("batch size"), QStringLiteral("%d"));
    const QString title = unit + QStringLiteral(" per ") + words.per;
    const auto [xlo, xhi] = batchAxisRange(s);
    if (top <= 0) top = low = unit_j_;
    // Components far below the total (SRAM energy can be 1e-6 of it) would flatten the curves.
    double yhi = decadeCeil(top * 1.3 / unit_j_);
    double ylo = std::max(decadeFloor(low / 1.3 / unit_j_), yhi / 1e6);
    if (top / low <= 8) {
        // Within a decade a log axis labels one or two powers of ten and nothing in between: linear.
        auto* lin = new QValueAxis;
        lin->setTitleText(title);
        lin->setLabelFormat(QStringLiteral("%g"));
        const double step = niceStep((top - low) / unit_j_ / 4);
        ylo = std::max(0.0, std::floor(low / unit_j_ / 1.05 / step) * step);
        yhi = std::ceil(top / unit_j_ * 1.05 / step) * step;
        lin->setTickType(QValueAxis::TicksDynamic);
        lin->setTickAnchor(0);
        lin->setTickInterval(step);
        ay_ = lin;
    } else {
        ay_ = makeLogAxis(10, title, QStringLiteral("%g"));
    }
    setAxes(ax, ay_);
    setRangeIfChanged(ax, xlo, xhi);
    setRangeIfChanged(ay_, ylo, yhi);

    curves_.clear();
    // Dots on a dense grid (1..4096 step 1) would merge into a thick line.
    const bool dots = s.sweepBatches.size() <= 24;
    for (std::size_t i = 0; i < s.scenarios.size(); ++i)
        if (usable(s.scenarios[i])) curves_.push_back(sweep_.add(static_cast<int>(i), xy_, dots));

    if (breakdownScenario_ >= 0) {
        const EvaluatedScenario& sc = s.scenarios[static_cast<std::size_t>(breakdownScenario_)];
        for (const Component& c : kComponents) {
            auto* ser = new QLineSeries;
            ser->setName(QString::fromUtf8(c.name));
            QList<QPointF> pts;
            for (const SweepPoint& p : sc.sweep) {
                const QPointF v(p.totals.batch,
                                p.totals.energyPerInference.*c.joules / sampleUnit(sc).perSample() / unit_j_);
                if (logSafe(v)) pts << v;
            }
            ser->append(pts);
            attach(ser, true);
            ser->setPen(QPen(shade(sc.color, c.shade), 1.8, c.style));
            // Named at the line's right end: the window's compact charts have no legend, and four
            // dashed lines in one hue are otherwise anonymous.
            if (!pts.isEmpty())
                addLabel(QString::fromUtf8(c.name), pts.back(), Qt::AlignLeft | Qt::AlignVCenter,
                         shade(sc.color, c.shade).darker(120), true);
        }
        addLabel(QStringLiteral("breakdown (dashed): ") + sc.label, QPointF(xlo, ylo),
                 Qt::AlignRight | Qt::AlignTop, textColor(), true);
    }
    notFit_ = sweep_.addNotFitting(xy_);
    sweep_.addMemoryWalls(curves_);
    sweep_.addBatchLine();
}

void EnergyChart::updateBatch() {
    sweep_.followBatch(curves_, xy_);
}

void EnergyChart::updateSelection() {
    if (breakdown_ && pickBreakdownScenario() != breakdownScenario_) {
        rebuild();
        placeLabels();
    }
}

QString EnergyChart::pointToolTip(const QPointF& chartPos) const {
    const auto [si, pi] = sweep_.nearest(curves_, xy_, chartPos);
    if (si < 0) return {};
    const EvaluatedScenario& sc = snapshot().scenarios[static_cast<std::size_t>(si)];
    const Totals& t = sc.sweep[static_cast<std::size_t>(pi)].totals;
    const EnergyBreakdown& e = t.energyPerInference;
    const SampleUnit u = sampleUnit(sc);
    const QString divisor = u.kind == SampleUnit::Kind::PrefillTokens
                                ? QStringLiteral("(batch × %1 tokens)").arg(u.tokensPerSample)
                                : QStringLiteral("batch");
    QString tip = sweep_.pointHeader(si, t) +
                  QStringLiteral("<br>energy per %1 <b>%2</b> <i>= whole-batch energy ÷ %3</i><table>")
                      .arg(QString::fromUtf8(u.name()),
                           formatSi(e.total() / u.perSample(), QStringLiteral("J")), divisor);
    for (std::size_t k = 0; k < kComponents.size(); ++k) {
        const double j = e.*kComponents[k].joules / u.perSample();
        tip += QStringLiteral("<tr><td>%1</td><td><b>%2</b></td><td>%3 %</td><td><i>%4 ÷ %5</i></td></tr>")
                   .arg(QString::fromUtf8(kComponents[k].name), formatSi(j, QStringLiteral("J")),
                        QString::number(e.total() > 0 ? j * u.perSample() / e.total() * 100 : 0, 'f', 1),
                        QString::fromUtf8(kDefinitions[k]), divisor);
    }
    tip += QStringLiteral("</table>average board power <b>%1</b> <i>= batch energy ÷ latency</i>, limit %2")
               .arg(formatSi(t.power_w, QStringLiteral("W")),
                    formatSi(sc.hardware->tdpWatts.value, QStringLiteral("W")));
    if (t.powerClockFactor < 1)
        tip += QStringLiteral(": power-limited, %1× boost clock")
                   .arg(QString::number(t.powerClockFactor, 'f', 2));
    return tip;
}

QString EnergyChart::chartToolTip() const {
    return QStringLiteral(
        "<b>Energy per inference vs batch</b><br>Static energy = static power under load × batch latency; "
        "dynamic = "
        "pJ/FLOP × FLOPs + pJ/byte × DRAM bytes + pJ/byte × on-chip bytes; both divided by the batch."
        "<br>Right-click to show the breakdown of the selected scenario.");
}

} // namespace bs
