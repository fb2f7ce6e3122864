#pragma once
// Internal to the machine probe (MachineProbe.cpp): the compute kernels it times. The widest
// vector ISA is chosen at run time (MachineProbe.h, detectVectorIsa); each kernel is compiled
// for its ISA with target attributes.
#include "hardware/MachineProbe.h"

namespace bs::probe {

/// Keeps the probes' results alive so the compiler cannot drop the work (one per thread: no race).
extern thread_local volatile float g_sink;

/// The probes' kernels for one ISA.
struct Kernels {
    void (*fmaLoop)(long iters);
    double fmaFlopsPerIter; ///< chains × lanes × 2
    int fmaChains;
    void (*gemm)(const float* A, const float* B, float* C, int n); ///< C += A·B, n×n, n % 32 == 0
    const char* gemmBlock; ///< register block of the GEMM kernel, for the sources
};

Kernels kernelsFor(VectorIsa isa);

/// Dependent integer adds: each waits for the one before, one per clock on any current core
/// (1-cycle ALU latency), so their rate is the clock the core really runs at, boost included,
/// which the OS may not say (in a VM /proc/cpuinfo often gives the nominal TSC rate).
void addChain(long iters);
constexpr double kAddsPerChainIter = 10;

} // namespace bs::probe
