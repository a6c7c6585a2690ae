/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm_edu tracepoints: events/svm_edu/ in tracefs.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM svm_edu

#if !defined(_SVM_EDU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SVM_EDU_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(svm_edu_bind,
	TP_PROTO(int dev, u32 pasid, u64 pgd),
	TP_ARGS(dev, pasid, pgd),
	TP_STRUCT__entry(
		__field(int, dev)
		__field(u32, pasid)
		__field(u64, pgd)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->pasid = pasid;
		__entry->pgd = pgd;
	),
	TP_printk("svm-edu%d pasid %u pgd %#llx", __entry->dev, __entry->pasid,
		  (unsigned long long)__entry->pgd)
);

DECLARE_EVENT_CLASS(svm_edu_pasid_event,
	TP_PROTO(int dev, u32 pasid),
	TP_ARGS(dev, pasid),
	TP_STRUCT__entry(
		__field(int, dev)
		__field(u32, pasid)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->pasid = pasid;
	),
	TP_printk("svm-edu%d pasid %u", __entry->dev, __entry->pasid)
);

DEFINE_EVENT(svm_edu_pasid_event, svm_edu_unbind,
	TP_PROTO(int dev, u32 pasid),
	TP_ARGS(dev, pasid)
);

DEFINE_EVENT(svm_edu_pasid_event, svm_edu_release,
	TP_PROTO(int dev, u32 pasid),
	TP_ARGS(dev, pasid)
);

TRACE_EVENT(svm_edu_invalidate,
	TP_PROTO(int dev, u32 pasid, unsigned long start, unsigned long end,
		 unsigned long pages, u32 cmds, bool whole),
	TP_ARGS(dev, pasid, start, end, pages, cmds, whole),
	TP_STRUCT__entry(
		__field(int, dev)
		__field(u32, pasid)
		__field(unsigned long, start)
		__field(unsigned long, end)
		__field(unsigned long, pages)
		__field(u32, cmds)
		__field(bool, whole)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->pasid = pasid;
		__entry->start = start;
		__entry->end = end;
		__entry->pages = pages;
		__entry->cmds = cmds;
		__entry->whole = whole;
	),
	TP_printk("svm-edu%d pasid %u [%#lx, %#lx) pages %lu commands %u %s",
		  __entry->dev, __entry->pasid, __entry->start, __entry->end,
		  __entry->pages, __entry->cmds,
		  __entry->whole ? "whole-pasid" : "range")
);

TRACE_EVENT(svm_edu_page_request,
	TP_PROTO(int dev, u32 pasid, u64 addr, bool write, bool ok),
	TP_ARGS(dev, pasid, addr, write, ok),
	TP_STRUCT__entry(
		__field(int, dev)
		__field(u32, pasid)
		__field(u64, addr)
		__field(bool, write)
		__field(bool, ok)
	),
	TP_fast_assign(
		__entry->dev = dev;
		__entry->pasid = pasid;
		__entry->addr = addr;
		__entry->write = write;
		__entry->ok = ok;
	),
	TP_printk("svm-edu%d pasid %u %s %#llx: %s", __entry->dev,
		  __entry->pasid, __entry->write ? "write" : "read",
		  (unsigned long long)__entry->addr,
		  __entry->ok ? "success" : "failure")
);

#endif /* _SVM_EDU_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE svm_edu_trace
#include <trace/define_trace.h>
