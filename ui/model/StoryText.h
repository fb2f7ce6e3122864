#pragma once
// The per-scenario summary line (engine/Story.h) as rich text for a QLabel: a square in the
// scenario's colour, its label in bold, then the headline, the regime and the limiter.
#include "model/ExplorerTypes.h"

#include <QString>

namespace bs {

enum class StoryLength {
    Full, ///< headline, regime and limiter with their numbers
    Line  ///< headline, the regime's first clause and the limiter's name: a summary line
};
/// Rich text; a scenario that could not be evaluated gives its error instead.
QString storyHtml(const EvaluatedScenario& s, const ExplorerSnapshot& snap,
                  StoryLength length = StoryLength::Full);

} // namespace bs
