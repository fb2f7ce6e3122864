#include "MainWindow.h"

#include "EngineError.h"
#include "ModelZoo.h"
#include "PresetLoader.h"
#include "Sweep.h"

#include <QChart>
#include <QChartView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>

namespace bs {

namespace {

QChartView* makeChart(const QString& title, const QString& yTitle, bool logY) {
    auto* chart = new QChart;
    chart->setTitle(title);
    auto* x = new QLogValueAxis;
    x->setBase(2);
    x->setLabelFormat(QStringLiteral("%d"));
    x->setTitleText(QStringLiteral("batch size"));
    chart->addAxis(x, Qt::AlignBottom);
    QAbstractAxis* y = nullptr;
    if (logY) {
        auto* ly = new QLogValueAxis;
        ly->setLabelFormat(QStringLiteral("%g"));
        y = ly;
    } else {
        auto* vy = new QValueAxis;
        vy->setRange(0, 100);
        y = vy;
    }
    y->setTitleText(yTitle);
    chart->addAxis(y, Qt::AlignLeft);
    auto* view = new QChartView(chart);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(480, 360);
    return view;
}

void addSeries(QChartView* view, const QString& name, const std::vector<SweepPoint>& pts, bool utilization) {
    auto* s = new QLineSeries;
    s->setName(name);
    for (const SweepPoint& p : pts) {
        const double y = utilization ? p.totals.utilization * 100 : p.totals.throughput_per_s;
        if (y > 0) s->append(p.value, y);
    }
    view->chart()->addSeries(s);
    for (QAbstractAxis* a : view->chart()->axes())
        s->attachAxis(a);
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("Batchscope — ResNet-50 and ResNet-18 on H100 vs TPU v4"));
    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    auto* charts = new QHBoxLayout;
    auto* util = makeChart(QStringLiteral("Utilization vs batch (FLOP-weighted)"),
                           QStringLiteral("% of dense peak"), false);
    auto* thr = makeChart(QStringLiteral("Throughput vs batch"), QStringLiteral("inferences / s"), true);
    charts->addWidget(util);
    charts->addWidget(thr);
    layout->addLayout(charts);
    auto* status = new QLabel;
    status->setWordWrap(true);
    layout->addWidget(status);
    setCentralWidget(central);

    try {
        const PresetLibrary lib = PresetLibrary::shipped();
        const std::vector<int> batches = parseBatchList("1..1024*2");
        QString summary;
        for (const char* modelId : {"resnet50", "resnet18"}) {
            const PreparedModel model(ModelZoo::build(modelId));
            for (const char* hwId : {"h100-sxm", "tpu-v4"}) {
                const HardwarePreset* hw = lib.find(hwId);
                if (!hw) continue;
                const auto pts = sweepBatches({&model, hw, Precision::BF16}, batches);
                const QString name =
                    QString::fromLatin1(modelId) + QStringLiteral(" · ") + QString::fromStdString(hw->name);
                addSeries(util, name, pts, true);
                addSeries(thr, name, pts, false);
                const auto at64 =
                    std::find_if(pts.begin(), pts.end(), [](const SweepPoint& p) { return p.value == 64; });
                if (at64 == pts.end()) continue;
                const Totals& b64 = at64->totals;
                summary += QStringLiteral("%1 bf16, batch 64: %2 % utilization, %3 inf/s, %4 ms\n")
                               .arg(name)
                               .arg(b64.utilization * 100, 0, 'f', 1)
                               .arg(b64.throughput_per_s, 0, 'f', 0)
                               .arg(b64.latency_s * 1e3, 0, 'f', 2);
            }
        }
        status->setText(summary.trimmed());
    } catch (const std::exception& e) {
        status->setText(QStringLiteral("Could not evaluate the default scenario: ") +
                        QString::fromUtf8(e.what()));
    }
}

} // namespace bs
