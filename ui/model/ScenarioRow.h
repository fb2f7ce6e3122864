#pragma once
// A row of the window's scenario list: the scenario (Scenario.h) with what only the window needs:
// a stable id, its colour in every chart and whether it is shown.
#include "scenario/Scenario.h"

#include <QColor>

namespace bs {

struct ScenarioRow : Scenario {
    int id = 0; ///< assigned by ScenarioListModel, stable for the scenario's life
    QColor color;
    bool visible = true;
};

} // namespace bs
