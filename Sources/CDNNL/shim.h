#include <dnnl.h>
#include "kernels.h"
#include "kernels_int8.h"
#include "kernels_attn8.h"
#include "kernels_attn8_fused.h"
