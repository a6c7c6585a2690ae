// SPDX-License-Identifier: GPL-2.0
/*
 * svm_edu: instantiates the tracepoints of svm_edu_trace.h.
 */
#define CREATE_TRACE_POINTS
#include "svm_edu_trace.h"
