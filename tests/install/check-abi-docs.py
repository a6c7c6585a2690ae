#!/usr/bin/env python3
"""Every sysfs and debugfs file the driver creates has a What: line in
docs/ABI/testing/, so the two cannot drift; and svm_edu(4)
(man/svm_edu.4.md) names every module parameter and every ioctl. Prints TAP.

Names come from the sources: DEVICE_ATTR_*(name) in driver/svm_edu_sysfs.c,
the counters' name lists (SVM_EDU_COUNTERS in include/svm_edu_hw.h,
SVM_EDU_DRV_COUNTERS in include/uapi/svm_edu.h) that it expands,
debugfs_create_*("name", mode, parent, ...) in driver/svm_edu_debugfs.c and
svm_edu_latency.c and
the knobs' lists (SVM_EDU_INJECT_BUGS, SVM_EDU_INJECT_DELAYS) behind its
inject_names[]. A debugfs_create_* call this script cannot read (a name that
is not a string literal, an unknown parent) fails the check rather than
being skipped. tests/unit/test_names.c checks the other direction.
"""
import os
import re
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
SYSFS = '/sys/bus/pci/devices/<address>/'
DEBUGFS = '/sys/kernel/debug/svm_edu/'
# debugfs parents in svm_edu_debugfs.c: the variable names of the folders.
PARENTS = {'svm_edu_debugfs_root': '', 'd': 'svm-edu<N>/', 'dir': 'svm-edu<N>/',
           'inject': 'inject/'}


def read(path):
    with open(os.path.join(top, path)) as f:
        return f.read()


def xlist(path, macro):
    """The names (second argument) of an X-macro list of a header."""
    src = read(path)
    m = re.search(r'^#define ' + macro + r'\(X\) \\\n((?:.*\\\n)*.*\n)', src, re.M)
    if not m:
        return []
    return re.findall(r'\bX\(\w+, (\w+)\)', m.group(1))


def documented():
    whats = set()
    folder = os.path.join(top, 'docs', 'ABI', 'testing')
    for name in os.listdir(folder):
        with open(os.path.join(folder, name)) as f:
            whats |= set(re.findall(r'^What:\s+(\S+)\s*$', f.read(), re.M))
    return whats


def created():
    files, errors = [], []
    src = read('driver/svm_edu_sysfs.c')
    files += [SYSFS + n for n in re.findall(r'\bDEVICE_ATTR_R[OW]\((\w+)\)', src)]
    for folder, header, macro in (('hw_counters', 'include/svm_edu_hw.h', 'SVM_EDU_COUNTERS'),
                                  ('drv_counters', 'include/uapi/svm_edu.h', 'SVM_EDU_DRV_COUNTERS')):
        names = xlist(header, macro)
        if not names or not re.search(r'^' + macro + r'\(', src, re.M):
            errors.append('svm_edu_sysfs.c: no %s/ from %s' % (folder, macro))
        files += [SYSFS + folder + '/' + n for n in names]
    if re.search(r'\bDEVICE_ATTR(_WO|_ADMIN_\w+)?\(', src):
        errors.append('svm_edu_sysfs.c: an attribute macro this check does not read')

    # the per-device folder is 'd' in svm_edu_debugfs.c, 'dir' where a
    # file of its own adds to it (svm_edu_latency.c)
    src = read('driver/svm_edu_debugfs.c') + read('driver/svm_edu_latency.c')
    for m in re.finditer(r'debugfs_create_(\w+)\(([^;]*)\);', src):
        kind, args = m.group(1), [a.strip() for a in m.group(2).split(',')]
        if kind == 'dir':
            continue
        name = re.fullmatch(r'"([\w.-]+)"', args[0])
        if name and args[2] in PARENTS:
            files.append(DEBUGFS + PARENTS[args[2]] + name.group(1))
        elif args[0] == 'inject_names[i]' and args[2] == 'inject':
            knobs = (xlist('include/uapi/svm_edu.h', 'SVM_EDU_INJECT_BUGS') +
                     xlist('include/uapi/svm_edu.h', 'SVM_EDU_INJECT_DELAYS'))
            if not knobs:
                errors.append('svm_edu_debugfs.c: no knob list behind inject_names[]')
            files += [DEBUGFS + 'inject/' + n for n in knobs]
        else:
            errors.append('svm_edu_debugfs.c: cannot read ' + m.group(0).split('\n')[0])
    return files, errors


def main():
    files, errors = created()
    whats = documented()
    n = 0
    for f in files:
        n += 1
        print('%s %d - %s has a docs/ABI entry' % ('ok' if f in whats else 'not ok', n, f))
    for e in errors:
        n += 1
        print('not ok %d - %s' % (n, e))
    page = read('man/svm_edu.4.md')
    params = []
    for name in sorted(os.listdir(os.path.join(top, 'driver'))):
        if name.endswith('.c'):
            params += re.findall(r'\bmodule_param(?:_named)?\((\w+),', read('driver/' + name))
    ioctls = re.findall(r'^#define\s+(SVM_EDU_IOC_\w+)\s+_IO', read('include/uapi/svm_edu.h'), re.M)
    for kind, names in (('module parameter', params), ('ioctl', ioctls)):
        for name in names:
            n += 1
            ok = '`%s`' % name in page
            errors += [] if ok else [name]
            print('%s %d - svm_edu(4) documents the %s %s' % ('ok' if ok else 'not ok', n, kind, name))
    stale = sorted(whats - set(files))
    n += 1
    print('%s %d - every docs/ABI entry is a file the driver creates' %
          ('not ok' if stale else 'ok', n))
    for s in stale:
        print('#   no such file: ' + s)
    print('1..%d' % n)
    return 1 if errors or stale or any(f not in whats for f in files) else 0


sys.exit(main())
