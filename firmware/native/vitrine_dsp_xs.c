/*
 * xsmc binding of vitrine_dsp.c for NativeRealFft (native-fft.ts). Host data: one vitrine_rfft per
 * instance, freed by the destructor. Methods take Float32Array or Float64Array arguments (typed
 * arrays of other element types are the caller's error: TypeScript's types rule them out).
 *
 * xsmcGetBuffer* accepts only byte-sized views, so each float array is reached through its
 * ArrayBuffer plus byteOffset. Buffer addresses are fetched last, after every property read, and
 * nothing allocates while they are in use (the chunk heap may move only during an allocation).
 */
#include "xsmc.h"
#include "vitrine_dsp.h"

void xs_vitrine_rfft_destructor(void *data)
{
	if (data)
		vitrine_rfft_destroy((vitrine_rfft *)data);
}

void xs_vitrine_rfft_constructor(xsMachine *the)
{
	xsIntegerValue size = xsmcToInteger(xsArg(0));
	vitrine_rfft *fft;
	if (!vitrine_rfft_valid_size(size))
		xsRangeError("NativeRealFft: size must be a power of two from %d to %d, got %d", VITRINE_FFT_MIN_SIZE, VITRINE_FFT_MAX_SIZE, (int)size);
	fft = vitrine_rfft_create((uint32_t)size);
	if (!fft)
		xsUnknownError("NativeRealFft: no memory for size %d", (int)size);
	xsmcSetHostData(xsThis, fft);
}

typedef struct {
	xsIntegerValue elementBytes;	/* 4: Float32Array, 8: Float64Array */
	xsIntegerValue byteOffset;
	xsIntegerValue length;		/* elements */
	void *data;
} FloatArray;

static void floatArrayInfo(xsMachine *the, xsIntegerValue arg, const char *name, FloatArray *array)
{
	if (!xsmcIsInstanceOf(xsArg(arg), xsTypedArrayPrototype))
		xsTypeError("NativeRealFft: %s must be a Float32Array or Float64Array", name);
	xsmcGet(xsVar(0), xsArg(arg), xsID_BYTES_PER_ELEMENT);
	array->elementBytes = xsmcToInteger(xsVar(0));
	if ((array->elementBytes != 4) && (array->elementBytes != 8))
		xsTypeError("NativeRealFft: %s must be a Float32Array or Float64Array", name);
	xsmcGet(xsVar(0), xsArg(arg), xsID_byteOffset);
	array->byteOffset = xsmcToInteger(xsVar(0));
	xsmcGet(xsVar(0), xsArg(arg), xsID_length);
	array->length = xsmcToInteger(xsVar(0));
}

static void floatArrayData(xsMachine *the, xsIntegerValue arg, FloatArray *array, xsBooleanValue writable)
{
	void *data;
	xsUnsignedValue byteLength;
	xsmcGet(xsVar(0), xsArg(arg), xsID_buffer);
	if (writable)
		xsmcGetBufferWritable(xsVar(0), &data, &byteLength);
	else
		xsmcGetBufferReadable(xsVar(0), &data, &byteLength);
	array->data = (uint8_t *)data + array->byteOffset;
}

static void loadInput(vitrine_rfft *fft, const FloatArray *input)
{
	uint32_t i;
	if (input->elementBytes == 4) {
		const float *samples = (const float *)input->data;
		for (i = 0; i < fft->size; i++)
			fft->input[i] = samples[i];
	}
	else {
		const double *samples = (const double *)input->data;
		for (i = 0; i < fft->size; i++)
			fft->input[i] = (float)samples[i];
	}
}

static void storeFloats(const float *values, uint32_t count, const FloatArray *out)
{
	uint32_t i;
	if (out->elementBytes == 4) {
		float *target = (float *)out->data;
		for (i = 0; i < count; i++)
			target[i] = values[i];
	}
	else {
		double *target = (double *)out->data;
		for (i = 0; i < count; i++)
			target[i] = values[i];
	}
}

/* Checks the arguments (input, then `outputs` arrays of bins values) and transforms the input. */
static vitrine_rfft *transform(xsMachine *the, FloatArray *arrays, xsIntegerValue outputs)
{
	static const char *names[] = { "input", "first output", "second output", "third output" };
	vitrine_rfft *fft = (vitrine_rfft *)xsmcGetHostDataValidate(xsThis, (void *)xs_vitrine_rfft_destructor);
	xsIntegerValue i;
	xsmcVars(1);
	for (i = 0; i <= outputs; i++)
		floatArrayInfo(the, i, names[i], &arrays[i]);
	if (arrays[0].length < (xsIntegerValue)fft->size)
		xsRangeError("NativeRealFft: needs %d input samples, got %d", (int)fft->size, (int)arrays[0].length);
	for (i = 1; i <= outputs; i++) {
		if (arrays[i].length < (xsIntegerValue)fft->bins)
			xsRangeError("NativeRealFft: %s needs %d bins, got %d", names[i], (int)fft->bins, (int)arrays[i].length);
	}
	/* No allocation from here on. */
	floatArrayData(the, 0, &arrays[0], 0);
	for (i = 1; i <= outputs; i++)
		floatArrayData(the, i, &arrays[i], 1);
	loadInput(fft, &arrays[0]);
	vitrine_rfft_execute(fft);
	return fft;
}

/* forward(input, re, im) */
void xs_vitrine_rfft_forward(xsMachine *the)
{
	FloatArray arrays[3];
	vitrine_rfft *fft = transform(the, arrays, 2);
	storeFloats(fft->re, fft->bins, &arrays[1]);
	storeFloats(fft->im, fft->bins, &arrays[2]);
}

/* power(input, out, scratchRe, scratchIm): the scratch arrays receive the spectrum, as with RealFft. */
void xs_vitrine_rfft_power(xsMachine *the)
{
	FloatArray arrays[4];
	vitrine_rfft *fft = transform(the, arrays, 3);
	storeFloats(fft->re, fft->bins, &arrays[2]);
	storeFloats(fft->im, fft->bins, &arrays[3]);
	vitrine_rfft_power(fft, fft->input); /* input holds bins ≤ size floats and is free now */
	storeFloats(fft->input, fft->bins, &arrays[1]);
}
