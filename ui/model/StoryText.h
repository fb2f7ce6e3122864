#pragma once
// The per-scenario summary line (engine/Story.h) as rich text for a QLabel: a square in the
// scenario's colour, its label in bold, then the headline, the regime and the limiter.
#include "eval/Story.h"
#include "model/ExplorerTypes.h"

#include <QString>

namespace bs {

enum class StoryLength {
    Full, ///< headline, regime and limiter with their numbers
    Line  ///< headline, the regime's first clause and the limiter's name: a summary line
};
/// What the engine's story needs from an evaluated scenario (its model as the runtime fused it, the
/// runtime's name when it is not the ideal one).
StoryInput storyInput(const EvaluatedScenario& s, std::optional<double> latencyBudget_s);
/// Rich text; a scenario that could not be evaluated gives its error instead.
QString storyHtml(const EvaluatedScenario& s, const ExplorerSnapshot& snap,
                  StoryLength length = StoryLength::Full);

} // namespace bs
