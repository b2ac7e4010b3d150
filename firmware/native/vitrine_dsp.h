/*
 * Vitrine DSP kernels in portable C (C99): a real FFT with the same sizes and output convention as
 * RealFft in firmware/dsp/fft.ts, and band energies as bandEnergies in firmware/dsp/bands.ts.
 * Single precision. No dependency on XS: the host compiles and tests this file on its own
 * (host-tests/unit/native/native-dsp.test.ts); vitrine_dsp_xs.c binds it to JavaScript.
 *
 * On ESP32 builds that have ESP-DSP (ESP_PLATFORM and dsps_fft2r.h available), the complex FFT runs
 * on dsps_fft2r_fc32 + dsps_bit_rev_fc32 once vitrine_rfft_create has checked that they give the
 * expected result at that size; otherwise, and everywhere else, on the portable code.
 */
#ifndef VITRINE_DSP_H
#define VITRINE_DSP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VITRINE_FFT_MIN_SIZE 64
#define VITRINE_FFT_MAX_SIZE 2048

typedef struct vitrine_rfft {
	uint32_t size;		/* real samples per transform: a power of two, 64..2048 */
	uint32_t bins;		/* size / 2 + 1: DC to Nyquist */
	float *input;		/* size floats: fill with the samples, then call vitrine_rfft_execute */
	float *re;		/* bins floats: real part of X[k] after vitrine_rfft_execute */
	float *im;		/* bins floats: imaginary part of X[k] */
	float *twiddle;		/* cos, sin of -2πj/(size/2) for j < size/4, interleaved */
	float *split;		/* ½cos, ½sin of -2πk/size for k < size/4, interleaved */
	uint16_t *bitrev;	/* bit reversal of j < size/2 over log2(size/2) bits */
	int32_t use_esp_dsp;	/* 1 when ESP-DSP is built in and passed the check at creation */
} vitrine_rfft;

/* 1 if size is a power of two from VITRINE_FFT_MIN_SIZE to VITRINE_FFT_MAX_SIZE, else 0. */
int vitrine_rfft_valid_size(int32_t size);

/* One allocation holding the struct, its tables and buffers; NULL for an invalid size or no memory. */
vitrine_rfft *vitrine_rfft_create(uint32_t size);
void vitrine_rfft_destroy(vitrine_rfft *fft);

/*
 * X[k] = Σ x[n]·e^(−2πikn/size) for k = 0..size/2 from the samples in fft->input, into fft->re and
 * fft->im. Overwrites fft->input. Allocates nothing.
 */
void vitrine_rfft_execute(vitrine_rfft *fft);

/* |X[k]|² for k = 0..size/2 of the last transform, into power (bins floats). */
void vitrine_rfft_power(const vitrine_rfft *fft, float *power);

/*
 * Sums power over bands laid out as by BandLayout (firmware/dsp/bands.ts): band b covers bins
 * first_bin[b]..last_bin[b], the edge bins weighted by first_weight[b] and last_weight[b] (one bin:
 * first_weight[b] alone).
 */
void vitrine_band_energies(const float *power, uint32_t bands, const uint16_t *first_bin, const uint16_t *last_bin,
	const float *first_weight, const float *last_weight, float *out);

#ifdef __cplusplus
}
#endif

#endif
