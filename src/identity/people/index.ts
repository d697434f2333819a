// Who there is, as data: PINFL and STIR rules, the regions and districts, and the demo
// population (generator, its committed files, and the checks they keep).

/** PINFL (JShShIR): `parsePinfl` reads and checks one, `makePinfl` builds one, `PinflError.reason` says why not. */
export {
  parsePinfl, isValidPinfl, makePinfl, pinflCheckDigit, PinflError,
  type ParsedPinfl, type PinflOptions, type PinflParts, type PinflReason, type Sex,
} from './pinfl.js';
/** STIR (INN): format and holder by first digit; no public check-digit algorithm exists. */
export { parseStir, isValidStir, makeStir, StirError, type StirHolder, type StirReason } from './stir.js';
/** The 14 regions with their districts and cities (uz, ru, en) and the district codes PINFLs carry. */
export {
  UZ_REGIONS, REGION_IDS, DISTRICTS, districtByCode, districtById, regionById,
  type District, type PlaceName, type RegionId, type RegionInfo,
} from './regions.js';
/** The deterministic demo population: 300 citizens, 10 foreigners, 60 businesses. */
export { generatePopulation, DEMO_SEED, DEMO_AS_OF, type PopulationOptions } from './demo-population.js';
/** The committed files under demo/identity: read them, write them, tell whether they are current. */
export { DEMO_IDENTITY_DIR, readDemoPopulation, writeDemoFiles, demoFilesAreCurrent } from './demo-files.js';
/** Every broken rule of a population, one sentence each; empty when consistent. */
export { checkPopulation } from './demo-check.js';
/** A seeded random source for other demo data (sfc32). */
export { Prng } from './prng.js';
export type { DemoBusiness, DemoPerson, DemoPopulation, DemoRole, LegalForm, PersonName } from './people.types.js';
