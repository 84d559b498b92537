#include <dnnl.h>
#include "kernels.h"
