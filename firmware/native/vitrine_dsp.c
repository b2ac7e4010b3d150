/*
 * Portable real FFT and band energies; see vitrine_dsp.h.
 *
 * The real input of n samples is read as n/2 complex values z[m] = x[2m] + i·x[2m+1] (the sample
 * buffer itself, interleaved), transformed with a radix-2 decimation-in-frequency FFT (natural order
 * in, bit-reversed out, as ESP-DSP's dsps_fft2r_fc32), put in order, then split into the n/2 + 1 bins
 * of the real spectrum exactly as RealFft does.
 */
#include "vitrine_dsp.h"

#include <math.h>
#include <stdlib.h>

#if defined(ESP_PLATFORM) && defined(__has_include)
#if __has_include("dsps_fft2r.h")
#include "dsps_fft2r.h"
#define VITRINE_HAVE_ESP_DSP 1
#endif
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#ifdef VITRINE_HAVE_ESP_DSP
/*
 * ESP-DSP computes the same complex FFT faster. Its twiddle table is initialised once for the
 * largest size. Each new transform object then checks ESP-DSP on a unit impulse at z[1]
 * (X[k] = e^(−2πik/N)) against the expected result, so a table initialised smaller elsewhere or a
 * different sign convention falls back to the portable code instead of giving wrong spectra.
 */
static int esp_dsp_check(vitrine_rfft *fft)
{
	static int initialised = 0;
	uint32_t half = fft->size / 2, j;
	float *z = fft->input; /* free until the caller's first transform */
	if (!initialised) {
		dsps_fft2r_init_fc32(NULL, VITRINE_FFT_MAX_SIZE / 2); /* ESP_OK, or initialised already: the check decides */
		initialised = 1;
	}
	for (j = 0; j < fft->size; j++)
		z[j] = 0;
	z[2] = 1;
	if (dsps_fft2r_fc32(z, (int)half) != ESP_OK || dsps_bit_rev_fc32(z, (int)half) != ESP_OK)
		return 0;
	for (j = 0; j < half; j++) {
		double a = -2.0 * M_PI * (double)j / (double)half;
		if (fabs(z[2 * j] - cos(a)) > 1e-4 || fabs(z[2 * j + 1] - sin(a)) > 1e-4)
			return 0;
	}
	return 1;
}
#endif

int vitrine_rfft_valid_size(int32_t size)
{
	return size >= VITRINE_FFT_MIN_SIZE && size <= VITRINE_FFT_MAX_SIZE && (size & (size - 1)) == 0;
}

vitrine_rfft *vitrine_rfft_create(uint32_t size)
{
	uint32_t half, bins, bits = 0, j;
	size_t floats;
	vitrine_rfft *fft;
	float *cursor;

	if (!vitrine_rfft_valid_size((int32_t)size))
		return NULL;
	half = size / 2;
	bins = half + 1;
	/* input, re, im, twiddle (half/2 complex), split (half/2 complex) */
	floats = (size_t)size + 2 * (size_t)bins + (size_t)half + (size_t)half;
	fft = (vitrine_rfft *)malloc(sizeof(vitrine_rfft) + floats * sizeof(float) + (size_t)half * sizeof(uint16_t));
	if (!fft)
		return NULL;
	cursor = (float *)(fft + 1);
	fft->size = size;
	fft->bins = bins;
	fft->input = cursor;
	cursor += size;
	fft->re = cursor;
	cursor += bins;
	fft->im = cursor;
	cursor += bins;
	fft->twiddle = cursor;
	cursor += half;
	fft->split = cursor;
	cursor += half;
	fft->bitrev = (uint16_t *)cursor;

	while ((1u << bits) < half)
		bits++;
	for (j = 0; j < half; j++) {
		uint32_t r = 0, b;
		for (b = 0; b < bits; b++)
			r |= ((j >> b) & 1u) << (bits - 1 - b);
		fft->bitrev[j] = (uint16_t)r;
	}
	for (j = 0; j < half / 2; j++) {
		double a = -2.0 * M_PI * (double)j / (double)half;
		double s = -2.0 * M_PI * (double)j / (double)size;
		fft->twiddle[2 * j] = (float)cos(a);
		fft->twiddle[2 * j + 1] = (float)sin(a);
		fft->split[2 * j] = (float)(0.5 * cos(s));
		fft->split[2 * j + 1] = (float)(0.5 * sin(s));
	}
#ifdef VITRINE_HAVE_ESP_DSP
	fft->use_esp_dsp = esp_dsp_check(fft);
#else
	fft->use_esp_dsp = 0;
#endif
	return fft;
}

void vitrine_rfft_destroy(vitrine_rfft *fft)
{
	free(fft);
}

/* In-place radix-2 DIF over `half` interleaved complex values: natural order in, bit-reversed out. */
static void complex_fft_dif(float *z, const float *twiddle, uint32_t half)
{
	uint32_t span, stride, start, k;
	for (span = half >> 1, stride = 1; span >= 1; span >>= 1, stride <<= 1) {
		for (start = 0; start < half; start += span << 1) {
			for (k = 0; k < span; k++) {
				float *a = z + 2 * (start + k);
				float *b = a + 2 * span;
				float wr = twiddle[2 * k * stride], wi = twiddle[2 * k * stride + 1];
				float dr = a[0] - b[0], di = a[1] - b[1];
				a[0] += b[0];
				a[1] += b[1];
				b[0] = dr * wr - di * wi;
				b[1] = dr * wi + di * wr;
			}
		}
	}
}

static void bit_reverse(float *z, const uint16_t *bitrev, uint32_t half)
{
	uint32_t j;
	for (j = 0; j < half; j++) {
		uint32_t r = bitrev[j];
		if (j < r) {
			float tr = z[2 * j], ti = z[2 * j + 1];
			z[2 * j] = z[2 * r];
			z[2 * j + 1] = z[2 * r + 1];
			z[2 * r] = tr;
			z[2 * r + 1] = ti;
		}
	}
}

void vitrine_rfft_execute(vitrine_rfft *fft)
{
	uint32_t half = fft->size / 2, quarter = half / 2, k, j;
	float *z = fft->input;
	float *re = fft->re, *im = fft->im;
	const float *split = fft->split;
	float z0r, z0i;

#ifdef VITRINE_HAVE_ESP_DSP
	if (fft->use_esp_dsp && dsps_fft2r_fc32(z, (int)half) == ESP_OK && dsps_bit_rev_fc32(z, (int)half) == ESP_OK) {
		/* z holds the ordered complex spectrum */
	}
	else
#endif
	{
		complex_fft_dif(z, fft->twiddle, half);
		bit_reverse(z, fft->bitrev, half);
	}

	/* Split: X[k] = E + W^k·O and X[n/2 − k] = conj(E − W^k·O), E = (Z[k] + conj Z[n/2−k]) / 2,
	   O = (Z[k] − conj Z[n/2−k]) / 2i; the table holds W^k / 2. */
	z0r = z[0];
	z0i = z[1];
	re[0] = z0r + z0i;
	im[0] = 0;
	re[half] = z0r - z0i;
	im[half] = 0;
	re[quarter] = z[2 * quarter];
	im[quarter] = -z[2 * quarter + 1];
	for (k = 1, j = half - 1; k < quarter; k++, j--) {
		float ar = z[2 * k], ai = z[2 * k + 1];
		float cr = z[2 * j], ci = z[2 * j + 1];
		float or_ = ai + ci, oi = cr - ar;
		float wr = split[2 * k], wi = split[2 * k + 1];
		float pr = or_ * wr - oi * wi, pi = or_ * wi + oi * wr;
		float er = 0.5f * (ar + cr), ei = 0.5f * (ai - ci);
		re[k] = er + pr;
		im[k] = ei + pi;
		re[j] = er - pr;
		im[j] = pi - ei;
	}
}

void vitrine_rfft_power(const vitrine_rfft *fft, float *power)
{
	uint32_t k;
	for (k = 0; k < fft->bins; k++)
		power[k] = fft->re[k] * fft->re[k] + fft->im[k] * fft->im[k];
}

void vitrine_band_energies(const float *power, uint32_t bands, const uint16_t *first_bin, const uint16_t *last_bin,
	const float *first_weight, const float *last_weight, float *out)
{
	uint32_t b, k;
	for (b = 0; b < bands; b++) {
		uint32_t first = first_bin[b], last = last_bin[b];
		float sum;
		if (first == last) {
			out[b] = power[first] * first_weight[b];
			continue;
		}
		sum = power[first] * first_weight[b] + power[last] * last_weight[b];
		for (k = first + 1; k < last; k++)
			sum += power[k];
		out[b] = sum;
	}
}
