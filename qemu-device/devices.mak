# Device set of the svm-edu QEMU build: the q35 board and the svm-edu device.
CONFIG_Q35=y
CONFIG_SVM_EDU=y
