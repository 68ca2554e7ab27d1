#include "CLakeSystem.h"
