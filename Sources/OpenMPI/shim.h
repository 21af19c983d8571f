// OpenMPI, as installed by Debian's libopenmpi-dev (found through pkg-config's ompi-c).
#include <mpi.h>
