#pragma once
// The application's light or dark look for the widgets (the charts theme themselves): Fusion with
// a dark palette, and unticked check boxes that stay visible on it.

namespace bs {

void applyApplicationTheme(bool dark);

} // namespace bs
