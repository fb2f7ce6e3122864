#include "model/StoryText.h"

#include "eval/Story.h"

namespace bs {

QString storyHtml(const EvaluatedScenario& s, const ExplorerSnapshot& snap, StoryLength length) {
    const QString head = QStringLiteral("<span style=\"color:%1\">■</span> <b>%2</b>")
                             .arg(s.color.name(), s.label.toHtmlEscaped());
    if (!s.error.isEmpty())
        return head + QStringLiteral(": <i>") + s.error.toHtmlEscaped() + QStringLiteral("</i>");
    StoryInput in;
    in.model = s.model.get();
    in.hardware = s.hardware.get();
    in.precision = s.precision;
    in.sweep = &s.sweep;
    in.current = &s.current;
    in.latencyBudget_s = snap.latencyBudget_s;
    in.recommendedBatch = s.recommendedBatch;
    const Story story = tellStory(in);
    if (story.headline.empty()) return head;
    auto html = [](const std::string& t) { return QString::fromStdString(t).toHtmlEscaped(); };
    std::string regime = story.regime, limiter = story.limiter;
    if (length == StoryLength::Line) {
        // Two lines at most per scenario in the window: the headline, the regime's first clause
        // (where it turns compute-bound) and the limiter's name; the numbers are in the tooltip.
        regime = regime.substr(0, regime.find(';'));
        limiter = limiter.substr(0, limiter.find(':'));
    }
    QString out = head + QStringLiteral(" — ") + html(story.headline) + QStringLiteral(". ");
    if (!regime.empty()) out += html(regime) + QStringLiteral(". ");
    if (!limiter.empty()) out += QStringLiteral("<b>Limiter:</b> ") + html(limiter) + QStringLiteral(".");
    return out;
}

} // namespace bs
