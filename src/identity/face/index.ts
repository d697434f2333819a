// The face check of sign-in: a Face++ Compare adapter and a local stand-in of that API.

/** Compares two photos over Face++ `POST /facepp/v3/compare`; `verify` → boolean, typed FaceMatchError otherwise. */
export { FaceMatcher, FaceMatchError, type FaceMatcherOptions, type FaceMatchErrorKind, type FaceppThreshold } from './facepp.adapter.js';
/** The Face++ Compare stand-in for demo and tests, and `demoFacePhoto(personId)` to "take a photo" it recognises. */
export { startFaceStandin, demoFacePhoto, type FaceStandin, type FaceStandinOptions } from './facepp.standin.js';
