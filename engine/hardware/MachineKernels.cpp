// The probes' compute kernels (MachineKernels.h): FMA chains and register-blocked GEMMs per
// vector ISA, compiled with target attributes so one binary carries all of them, and the clock
// probe's dependent-add chain.
#include "hardware/MachineKernels.h"

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BS_X86 1
#endif

namespace bs::probe {

thread_local volatile float g_sink = 0;

namespace {

#ifdef BS_X86
// Independent FMA chains: each FMA waits for the previous one of its chain (latency about 4
// cycles), so filling P pipes needs at least P × latency chains in flight. 16 for AVX-512 covers
// 2 pipes × 4 cycles twice over (zmm has 32 registers); 12 for AVX2 (16 ymm registers).
__attribute__((target("avx512f"))) void fmaLoopAvx512(long iters) {
    __m512 a[16];
    for (int i = 0; i < 16; ++i)
        a[i] = _mm512_set1_ps(1.0f + 0.01f * static_cast<float>(i));
    const __m512 b = _mm512_set1_ps(0.9999999f), c = _mm512_set1_ps(1e-7f);
    for (long k = 0; k < iters; ++k) {
        a[0] = _mm512_fmadd_ps(a[0], b, c);
        a[1] = _mm512_fmadd_ps(a[1], b, c);
        a[2] = _mm512_fmadd_ps(a[2], b, c);
        a[3] = _mm512_fmadd_ps(a[3], b, c);
        a[4] = _mm512_fmadd_ps(a[4], b, c);
        a[5] = _mm512_fmadd_ps(a[5], b, c);
        a[6] = _mm512_fmadd_ps(a[6], b, c);
        a[7] = _mm512_fmadd_ps(a[7], b, c);
        a[8] = _mm512_fmadd_ps(a[8], b, c);
        a[9] = _mm512_fmadd_ps(a[9], b, c);
        a[10] = _mm512_fmadd_ps(a[10], b, c);
        a[11] = _mm512_fmadd_ps(a[11], b, c);
        a[12] = _mm512_fmadd_ps(a[12], b, c);
        a[13] = _mm512_fmadd_ps(a[13], b, c);
        a[14] = _mm512_fmadd_ps(a[14], b, c);
        a[15] = _mm512_fmadd_ps(a[15], b, c);
    }
    __m512 s = a[0];
    for (int i = 1; i < 16; ++i)
        s = _mm512_add_ps(s, a[i]);
    alignas(64) float out[16]; // (not _mm512_reduce_add_ps: GCC 12 warns inside it)
    _mm512_store_ps(out, s);
    g_sink = g_sink + out[0];
}

__attribute__((target("avx2,fma"))) void fmaLoopAvx2(long iters) {
    __m256 a[12];
    for (int i = 0; i < 12; ++i)
        a[i] = _mm256_set1_ps(1.0f + 0.01f * static_cast<float>(i));
    const __m256 b = _mm256_set1_ps(0.9999999f), c = _mm256_set1_ps(1e-7f);
    for (long k = 0; k < iters; ++k) {
        a[0] = _mm256_fmadd_ps(a[0], b, c);
        a[1] = _mm256_fmadd_ps(a[1], b, c);
        a[2] = _mm256_fmadd_ps(a[2], b, c);
        a[3] = _mm256_fmadd_ps(a[3], b, c);
        a[4] = _mm256_fmadd_ps(a[4], b, c);
        a[5] = _mm256_fmadd_ps(a[5], b, c);
        a[6] = _mm256_fmadd_ps(a[6], b, c);
        a[7] = _mm256_fmadd_ps(a[7], b, c);
        a[8] = _mm256_fmadd_ps(a[8], b, c);
        a[9] = _mm256_fmadd_ps(a[9], b, c);
        a[10] = _mm256_fmadd_ps(a[10], b, c);
        a[11] = _mm256_fmadd_ps(a[11], b, c);
    }
    __m256 s = a[0];
    for (int i = 1; i < 12; ++i)
        s = _mm256_add_ps(s, a[i]);
    alignas(32) float out[8];
    _mm256_store_ps(out, s);
    g_sink = g_sink + out[0];
}

/// C += A·B, n×n row-major, n a multiple of 32; 8×32 register blocks: 16 accumulators (enough
/// independent chains for 2 pipes × 4-cycle latency), 2 vectors of B and a broadcast of A per row.
__attribute__((target("avx512f"))) void gemmAvx512(const float* A, const float* B, float* C, int n) {
    constexpr int rows = 8;
    for (int i = 0; i < n; i += rows)
        for (int j = 0; j < n; j += 32) {
            __m512 c[rows][2];
#pragma GCC unroll 8
            for (int r = 0; r < rows; ++r) {
                c[r][0] = _mm512_loadu_ps(C + (i + r) * n + j);
                c[r][1] = _mm512_loadu_ps(C + (i + r) * n + j + 16);
            }
            for (int k = 0; k < n; ++k) {
                const __m512 b0 = _mm512_loadu_ps(B + k * n + j), b1 = _mm512_loadu_ps(B + k * n + j + 16);
#pragma GCC unroll 8
                for (int r = 0; r < rows; ++r) {
                    const __m512 a = _mm512_set1_ps(A[(i + r) * n + k]);
                    c[r][0] = _mm512_fmadd_ps(a, b0, c[r][0]);
                    c[r][1] = _mm512_fmadd_ps(a, b1, c[r][1]);
                }
            }
#pragma GCC unroll 8
            for (int r = 0; r < rows; ++r) {
                _mm512_storeu_ps(C + (i + r) * n + j, c[r][0]);
                _mm512_storeu_ps(C + (i + r) * n + j + 16, c[r][1]);
            }
        }
}

/// C += A·B, n×n row-major, n a multiple of 16; 4×16 register blocks (8 accumulators, named so
/// that they stay in registers).
__attribute__((target("avx2,fma"))) void gemmAvx2(const float* A, const float* B, float* C, int n) {
    for (int i = 0; i < n; i += 4)
        for (int j = 0; j < n; j += 16) {
            float* c0 = C + (i + 0) * n + j;
            float* c1 = C + (i + 1) * n + j;
            float* c2 = C + (i + 2) * n + j;
            float* c3 = C + (i + 3) * n + j;
            __m256 c00 = _mm256_loadu_ps(c0), c01 = _mm256_loadu_ps(c0 + 8);
            __m256 c10 = _mm256_loadu_ps(c1), c11 = _mm256_loadu_ps(c1 + 8);
            __m256 c20 = _mm256_loadu_ps(c2), c21 = _mm256_loadu_ps(c2 + 8);
            __m256 c30 = _mm256_loadu_ps(c3), c31 = _mm256_loadu_ps(c3 + 8);
            const float* a0 = A + (i + 0) * n;
            const float* a1 = A + (i + 1) * n;
            const float* a2 = A + (i + 2) * n;
            const float* a3 = A + (i + 3) * n;
            for (int k = 0; k < n; ++k) {
                const __m256 b0 = _mm256_loadu_ps(B + k * n + j), b1 = _mm256_loadu_ps(B + k * n + j + 8);
                __m256 a = _mm256_broadcast_ss(a0 + k);
                c00 = _mm256_fmadd_ps(a, b0, c00);
                c01 = _mm256_fmadd_ps(a, b1, c01);
                a = _mm256_broadcast_ss(a1 + k);
                c10 = _mm256_fmadd_ps(a, b0, c10);
                c11 = _mm256_fmadd_ps(a, b1, c11);
                a = _mm256_broadcast_ss(a2 + k);
                c20 = _mm256_fmadd_ps(a, b0, c20);
                c21 = _mm256_fmadd_ps(a, b1, c21);
                a = _mm256_broadcast_ss(a3 + k);
                c30 = _mm256_fmadd_ps(a, b0, c30);
                c31 = _mm256_fmadd_ps(a, b1, c31);
            }
            _mm256_storeu_ps(c0, c00);
            _mm256_storeu_ps(c0 + 8, c01);
            _mm256_storeu_ps(c1, c10);
            _mm256_storeu_ps(c1 + 8, c11);
            _mm256_storeu_ps(c2, c20);
            _mm256_storeu_ps(c2 + 8, c21);
            _mm256_storeu_ps(c3, c30);
            _mm256_storeu_ps(c3 + 8, c31);
        }
}
#endif

/// Portable multiply-add chains (SSE2 on x86-64 through auto-vectorisation of 4 lanes).
void fmaLoopGeneric(long iters) {
    float a[12][4];
    for (int i = 0; i < 12; ++i)
        for (int l = 0; l < 4; ++l)
            a[i][l] = 1.0f + 0.01f * static_cast<float>(i + l);
    for (long k = 0; k < iters; ++k)
        for (int i = 0; i < 12; ++i)
            for (int l = 0; l < 4; ++l)
                a[i][l] = a[i][l] * 0.9999999f + 1e-7f;
    float s = 0;
    for (auto& v : a)
        for (float x : v)
            s += x;
    g_sink = g_sink + s;
}

void gemmGeneric(const float* A, const float* B, float* C, int n) {
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < n; ++k) {
            const float a = A[i * n + k];
            for (int j = 0; j < n; ++j)
                C[i * n + j] += a * B[k * n + j];
        }
}

} // namespace

/// Dependent integer adds: each waits for the one before, one per clock on any current core
/// (1-cycle ALU latency), so their rate is the clock the core really runs at, boost included,
/// which the OS may not say (in a VM /proc/cpuinfo often gives the nominal TSC rate).
void addChain(long iters) {
    std::uint64_t x = 0;
    for (long k = 0; k < iters; ++k) {
#ifdef BS_X86
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                         : "+r"(x));
#else
        for (int i = 0; i < 10; ++i) {
            ++x;
            __asm__ volatile("" : "+r"(x)); // the compiler may not merge the adds
        }
#endif
    }
    g_sink = g_sink + static_cast<float>(x);
}

Kernels kernelsFor(VectorIsa isa) {
#ifdef BS_X86
    if (isa == VectorIsa::Avx512) return {fmaLoopAvx512, 16 * 16 * 2, 16, gemmAvx512, "8x32"};
    if (isa == VectorIsa::Avx2) return {fmaLoopAvx2, 12 * 8 * 2, 12, gemmAvx2, "4x16"};
#else
    (void)isa;
#endif
    return {fmaLoopGeneric, 12 * 4 * 2, 12, gemmGeneric, "auto-vectorised"};
}

} // namespace bs::probe
