#include "window/PresentationWindow.h"

#include "charts/ChartGrid.h"
#include "charts/ChartSupport.h"
#include "model/Explorer.h"
#include "window/BatchControls.h"

#include <QAbstractAxis>
#include <QChart>
#include <QFontMetricsF>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLegend>
#include <QPushButton>
#include <QResizeEvent>
#include <QScreen>
#include <QTextDocumentFragment>
#include <QVBoxLayout>
#include <algorithm>

namespace bs {

PresentationWindow::PresentationWindow(Explorer* explorer, BatchControls* batch, const QScreen* screen,
                                       QWidget* parent)
    : QWidget(parent, Qt::Window), explorer_(explorer), batch_(batch) {
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("Batchscope — presentation"));
    // Readable from the back of a room: about 1/50 of the screen height (21 pt on 1080 lines).
    fontPt_ = std::clamp((screen ? screen->geometry().height() : 1080) / 50.0, 14.0, 32.0);

    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    play_ = new QPushButton(tr("▶ Play"));
    play_->setObjectName(QStringLiteral("playButton"));
    play_->setToolTip(tr("Animate the batch from 1 to 4096 (Space). Left/Right step the batch, Esc leaves."));
    play_->setFocusPolicy(Qt::NoFocus); // keys belong to the window
    batchLabel_ = new QLabel;
    batchLabel_->setObjectName(QStringLiteral("presentationBatch"));
    QFont big = font();
    big.setPointSizeF(fontPt_ * 1.4);
    big.setBold(true);
    batchLabel_->setFont(big);
    QFont buttonFont = font();
    buttonFont.setPointSizeF(fontPt_);
    play_->setFont(buttonFont);
    auto* hint = new QLabel(tr("← → batch · Space play · Esc exit"));
    QFont hintFont = font();
    hintFont.setPointSizeF(fontPt_ * 0.7);
    hint->setFont(hintFont);
    bar->addWidget(play_);
    bar->addSpacing(24);
    bar->addWidget(batchLabel_, 1);
    bar->addWidget(hint);
    layout->addLayout(bar);
    // One legend for all four charts, in full: per-chart legends would truncate the labels.
    legend_ = new QLabel;
    legend_->setObjectName(QStringLiteral("presentationLegend"));
    legend_->setTextFormat(Qt::RichText);
    legend_->setWordWrap(true);
    QFont legendFont = font();
    legendFont.setPointSizeF(fontPt_ * 0.8);
    legend_->setFont(legendFont);
    layout->addWidget(legend_);

    grid_ = new ChartGrid(6);
    for (SnapshotChart* c : grid_->charts()) {
        c->setFocusPolicy(Qt::NoFocus);
        c->installEventFilter(this);
        applyFonts(c);
    }
    layout->addWidget(grid_, 1);

    timer_.setInterval(150);
    connect(&timer_, &QTimer::timeout, this, [this] {
        const auto& stops = BatchControls::stops();
        if (batch_->batch() >= stops.back()) {
            setPlaying(false);
            return;
        }
        step(1);
    });
    connect(play_, &QPushButton::clicked, this, [this] { setPlaying(!isPlaying()); });
    connect(explorer_, &Explorer::snapshotChanged, this, &PresentationWindow::onSnapshot);
    onSnapshot(explorer_->snapshot(), ChangeAll);
}

const std::array<SnapshotChart*, 4>& PresentationWindow::charts() const {
    return grid_->charts();
}

void PresentationWindow::applyFonts(SnapshotChart* chart) {
    QFont f = chart->chart()->font();
    f.setPointSizeF(fontPt_);
    QFont inPlot = f; // roof, ridge and batch labels, drawn inside the plot: a size smaller
    inPlot.setPointSizeF(fontPt_ * 0.8);
    chart->chart()->setFont(inPlot);
    QFont title = f;
    title.setPointSizeF(fontPt_ * 1.15);
    chart->chart()->setTitleFont(title);
    chart->chart()->legend()->setVisible(false); // the window's legend line names the scenarios
    QFont axisLabels = f;
    axisLabels.setPointSizeF(fontPt_ * 0.85);
    for (QAbstractAxis* a : chart->chart()->axes()) {
        a->setLabelsFont(axisLabels);
        a->setTitleFont(f);
    }
    chart->fitAxisLabels(); // large type fits fewer batch labels
}

bool PresentationWindow::eventFilter(QObject* watched, QEvent* event) {
    // A chart rebuilds its axes when its size crosses the compact threshold (going full screen
    // does): put the large type back once it has.
    if (event->type() == QEvent::Resize)
        if (auto* c = qobject_cast<SnapshotChart*>(watched))
            QMetaObject::invokeMethod(
                this, [this, c] { applyFonts(c); }, Qt::QueuedConnection);
    return QWidget::eventFilter(watched, event);
}

void PresentationWindow::onSnapshot(const ExplorerSnapshot& s, unsigned changes) {
    for (SnapshotChart* c : grid_->charts()) {
        const QList<QAbstractAxis*> before = c->chart()->axes();
        c->setSnapshot(s, changes);
        // A rebuild (new scenarios, theme) makes new axes with the theme's small fonts.
        if (c->chart()->axes() != before || (changes & (ChangeSweeps | ChangeTheme))) applyFonts(c);
    }
    batchLabel_->setText(tr("batch %1").arg(s.batch));
    if (changes & ~static_cast<unsigned>(ChangeBatch)) {
        QString html;
        for (const EvaluatedScenario& e : s.scenarios)
            html += QStringLiteral("<span style=\"color:%1\">■</span> %2&nbsp;&nbsp;&nbsp; ")
                        .arg(e.color.name(), e.label.toHtmlEscaped());
        legend_->setText(html);
        fitLegend();
    }
}

void PresentationWindow::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitLegend();
}

void PresentationWindow::fitLegend() {
    // One line, in full: the type shrinks (to half the chart text at most) until every label fits
    // the width; only past that does the line wrap.
    const QString plain = QTextDocumentFragment::fromHtml(legend_->text()).toPlainText();
    const int available = std::max(100, width() - 40);
    QFont f = legend_->font();
    double pt = fontPt_ * 0.8;
    for (; pt > fontPt_ * 0.5; pt *= 0.93) {
        f.setPointSizeF(pt);
        if (QFontMetricsF(f).horizontalAdvance(plain) <= available) break;
    }
    f.setPointSizeF(std::max(pt, fontPt_ * 0.5));
    legend_->setFont(f);
    legend_->setWordWrap(QFontMetricsF(f).horizontalAdvance(plain) > available);
}

void PresentationWindow::step(int stops) {
    const auto& grid = BatchControls::stops();
    const int at = BatchControls::nearestStop(batch_->batch());
    const int next = std::clamp(at + stops, 0, static_cast<int>(grid.size()) - 1);
    batch_->setBatch(grid[static_cast<std::size_t>(next)]);
}

void PresentationWindow::setPlaying(bool on) {
    if (on == isPlaying()) return;
    if (on) {
        // From the start when the sweep has already reached its end.
        if (batch_->batch() >= BatchControls::stops().back()) batch_->setBatch(1);
        timer_.start();
    } else {
        timer_.stop();
    }
    play_->setText(on ? tr("❚❚ Pause") : tr("▶ Play"));
}

void PresentationWindow::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Right:
    case Qt::Key_Up:
        step(1);
        break;
    case Qt::Key_Left:
    case Qt::Key_Down:
        step(-1);
        break;
    case Qt::Key_PageUp:
        step(8);
        break;
    case Qt::Key_PageDown:
        step(-8);
        break;
    case Qt::Key_Space:
        setPlaying(!isPlaying());
        break;
    case Qt::Key_Escape:
        close();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace bs
