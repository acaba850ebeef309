// Test data: protocol may not include from the SFU model; the include-direction check must reject this.
#pragma once
#include "sfusim/sfu/router.h"
