// SwiftGAP's thin C layer over MPI: OpenMPI's handles (MPI_COMM_WORLD, MPI_DOUBLE, …) are C macros that Swift
// cannot import, so each operation the `Distributed` target needs is a plain function here. Every function
// works on MPI_COMM_WORLD, returns MPI's error code (MPI_SUCCESS = 0), and splits counts above 2^30 elements
// into several messages, so sizes are 64-bit.
#ifndef SWIFTGAP_MPI_H
#define SWIFTGAP_MPI_H

#include <stdint.h>

/// MPI_Init_thread with MPI_THREAD_FUNNELED (only the main thread calls MPI); errors return instead of aborting.
int swiftgap_mpi_init(void);
/// MPI_Finalize.
int swiftgap_mpi_finalize(void);
/// This process's rank in MPI_COMM_WORLD.
int swiftgap_mpi_rank(int *rank);
/// The number of ranks in MPI_COMM_WORLD.
int swiftgap_mpi_size(int *size);
/// MPI_Barrier.
int swiftgap_mpi_barrier(void);
/// Sends `count` doubles to `destination` with `tag` (blocking).
int swiftgap_mpi_send_doubles(const double *values, int64_t count, int destination, int tag);
/// Receives exactly `count` doubles from `source` with `tag` (blocking).
int swiftgap_mpi_receive_doubles(double *values, int64_t count, int source, int tag);
/// Broadcasts `count` bytes from `root`.
int swiftgap_mpi_broadcast_bytes(void *bytes, int64_t count, int root);
/// Every rank's `value` reduced by minimum; the result on every rank.
int swiftgap_mpi_allreduce_min_int64(int64_t value, int64_t *result);
/// Ends every rank of MPI_COMM_WORLD with `code` (the last resort when ranks can no longer agree).
void swiftgap_mpi_abort(int code);
/// MPI's text for an error code, written into `buffer` (NUL-terminated, at most `capacity` bytes).
void swiftgap_mpi_error_string(int code, char *buffer, int capacity);

#endif
