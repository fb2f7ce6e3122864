#include "window/SummaryLines.h"

#include "model/ExplorerTypes.h"
#include "model/StoryText.h"

#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

namespace bs {

SummaryLines::SummaryLines(QWidget* parent) : QScrollArea(parent), box_(new QWidget) {
    setObjectName(QStringLiteral("summaryScroll"));
    box_->setObjectName(QStringLiteral("summary"));
    auto* layout = new QVBoxLayout(box_);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(2);
    setWidget(box_);
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
}

void SummaryLines::setSnapshot(const ExplorerSnapshot& s) {
    const std::size_t lines = std::max<std::size_t>(1, s.scenarios.size());
    while (labels_.size() < lines) {
        auto* l = new QLabel;
        l->setWordWrap(true);
        l->setTextFormat(Qt::RichText);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        box_->layout()->addWidget(l);
        labels_.push_back(l);
    }
    while (labels_.size() > lines) {
        delete labels_.back();
        labels_.pop_back();
    }
    // A fixed height of two text lines per scenario: a story that wraps differently at the next
    // batch must not resize the charts below (a relayout costs more than the frame).
    const int lineHeight = 2 * fontMetrics().lineSpacing() + 2;
    box_->setFixedHeight(static_cast<int>(lines) * lineHeight + 8);
    setFixedHeight(static_cast<int>(std::min(lines, kLinesShown)) * lineHeight + 8);
    for (QLabel* l : labels_)
        l->setFixedHeight(lineHeight);
    if (s.scenarios.empty()) {
        labels_[0]->setText(tr("No visible scenario: tick one in the list or add one."));
        labels_[0]->setToolTip({});
        return;
    }
    for (std::size_t i = 0; i < s.scenarios.size(); ++i) {
        labels_[i]->setText(storyHtml(s.scenarios[i], s, StoryLength::Line));
        labels_[i]->setToolTip(QStringLiteral("<p style='white-space:normal'>") +
                               storyHtml(s.scenarios[i], s, StoryLength::Full) +
                               tr("<br><br>Rules: docs/MODEL.md, \"The story line\".</p>"));
    }
}

QStringList SummaryLines::lines() const {
    QStringList out;
    for (const QLabel* l : labels_)
        out << l->text();
    return out;
}

} // namespace bs
