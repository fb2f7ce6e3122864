#include "model/StoryText.h"

#include "eval/Story.h"

namespace bs {

StoryInput storyInput(const EvaluatedScenario& s, std::optional<double> latencyBudget_s) {
    StoryInput in;
    in.model = s.model ? &s.fusedModel() : nullptr;
    in.hardware = s.hardware.get();
    in.precision = s.precision;
    in.sweep = &s.sweep;
    in.current = &s.current;
    in.latencyBudget_s = latencyBudget_s;
    in.recommendedBatch = s.recommendedBatch;
    if (s.runtime && !s.runtime->isIdeal()) in.runtimeName = s.runtime->name;
    if (s.link) in.linkName = s.link->name;
    in.layout = s.parallel.text();
    return in;
}

QString storyHtml(const EvaluatedScenario& s, const ExplorerSnapshot& snap, StoryLength length) {
    const QString head = QStringLiteral("<span style=\"color:%1\">■</span> <b>%2</b>")
                             .arg(s.color.name(), s.label.toHtmlEscaped());
    if (!s.error.isEmpty())
        return head + QStringLiteral(": <i>") + s.error.toHtmlEscaped() + QStringLiteral("</i>");
    const Story story = tellStory(storyInput(s, snap.latencyBudget_s));
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
