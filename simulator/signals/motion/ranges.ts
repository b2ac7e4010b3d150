/**
 * Parameter ranges of the motion signal library. DEFAULT ranges are what the detectors were tuned on;
 * HOLDOUT ranges (other rpm and load profiles, couplings, mountings, sensors and confuser variants)
 * are only ever evaluated and reported, never tuned on.
 */
import type { ConfuserRanges } from './confusers';
import type { GrinderRanges } from './grinder';
import type { ImpactRanges } from './impacts';
import type { RailingWindRanges } from './railing';
import type { SceneRanges } from './scene';
import type { TiltRanges } from './tilt';

export interface MotionRanges {
  grinder: GrinderRanges;
  /**
   * Tacho-regulated ("constant-electronic") grinders, reference/detectors.md §3: the same draws as `grinder`
   * but the speed held under load, so it hardly sags or wanders.
   */
  regulatedGrinder: Pick<GrinderRanges, 'loadDrop' | 'wanderPct'>;
  impact: ImpactRanges;
  confusers: ConfuserRanges;
  /** A railing singing in the wind (balusters locked to vortex shedding), for nodes on a railing only. */
  railingWind: RailingWindRanges;
  tilt: TiltRanges;
  /** Wind sway and thermal drift used as tilt confusers (stronger than around the ladder cases). */
  windSwayDeg: readonly [number, number];
  thermalDriftDegPerHour: readonly [number, number];
  tiltScene: SceneRanges;
}

const vibrationScene: SceneRanges = { sensors: ['adxl345', 'lis3dh_8g'], ambientRmsG: [0.0005, 0.004] };
const tiltScene: SceneRanges = { sensors: ['lis3dh_2g', 'adxl345'], ambientRmsG: [0.0005, 0.003] };

export const DEFAULT_MOTION_RANGES: MotionRanges = {
  grinder: {
    scene: vibrationScene,
    rpmUnloaded: [10000, 13300],
    loadDrop: [0.05, 0.4],
    wanderPct: [1.5, 4],
    wanderHz: [0.5, 2.5],
    spindleTauS: [0.1, 0.3],
    harmonic2: [0.3, 0.9],
    harmonic3: [0.15, 0.6],
    couplingDbPerKHz: [0, 10],
    textureShare: [0.2, 0.5],
    textureLoHz: [120, 300],
    pauseDb: [-25, -12],
    directionSpread: [0.1, 0.6],
    firstCutS: [1.5, 4],
    cutS: [0.6, 4],
    pauseS: [0.2, 1.2],
    approachS: [0, 2],
  },
  regulatedGrinder: { loadDrop: [0, 0.03], wanderPct: [0.2, 0.8] },
  impact: {
    scene: vibrationScene,
    parts: {
      glass: { contactMs: [0.5, 2], modeLoHz: [60, 150], modeHiHz: [400, 700], modeCount: [2, 4], dampingRatio: [0.01, 0.04] },
      frame: { contactMs: [0.3, 1.5], modeLoHz: [150, 300], modeHiHz: [500, 700], modeCount: [2, 4], dampingRatio: [0.02, 0.08] },
    },
    blowPeakG: { light: [0.45, 0.8], medium: [0.8, 2], heavy: [2, 3.5] },
    shockPeakG: [5, 12],
    blowCount: [3, 6],
    intervalS: [0.4, 1.8],
    directionSpread: [0.1, 0.5],
  },
  confusers: {
    scene: vibrationScene,
    hvac: { toneHz: [25, 300], harmonics: [0, 2], harmonicDb: [-20, -6], levelDb: [3, 20], jitterPct: [0.02, 0.1], airDb: [-12, -3] },
    mainsHum: { mainsHz: [50, 60], levelDb: [3, 25], harmonic2Db: [-15, -3], harmonic3Db: [-20, -6] },
    vacuum: { motorHz: [450, 700], motorWanderPct: [1, 4], brushHz: [45, 70], brushDb: [-10, 0], airShare: [0.3, 0.7], levelDb: [5, 25], strokeHz: [0.5, 1.2] },
    floorMachine: { motorHz: [24, 28.75], mainsHz: [50, 60], padShare: [0.3, 0.7], levelDb: [5, 25], brushHz: [2.5, 5], humDb: [-10, 0] },
    footsteps: { stepHz: [1.6, 2.2], peakG: [0.003, 0.03], modeLoHz: [6, 12], modeHiHz: [20, 45] },
    traffic: { rmsG: [0.002, 0.03], passS: [3, 8], engineHz: [12, 28] },
    doorSlam: { peakG: [0.02, 0.2], modeLoHz: [8, 20], modeHiHz: [30, 80], dampingRatio: [0.05, 0.2], rattleShare: [0.05, 0.3] },
    tapping: { count: [1, 6], intervalS: [0.15, 0.6], peakG: [0.01, 0.15], contactMs: [1.5, 5], modeLoHz: [60, 150], modeHiHz: [300, 700], dampingRatio: [0.01, 0.05] },
  },
  railingWind: {
    scene: vibrationScene,
    modeHz: [70, 260],
    dampingRatio: [0.002, 0.02],
    meanRatio: [0.85, 1.15],
    gustPct: [10, 40],
    gustHz: [0.1, 0.6],
    lockWidth: [0.05, 0.2],
    lockDb: [6, 20],
    lockCycles: [20, 80],
    inlineDb: [-30, -12],
    rattleShare: 0.5,
    rattleGap: [0.3, 0.8],
    levelDb: [10, 35],
    rainShare: 0.5,
    rainDb: [5, 25],
  },
  tilt: {
    scene: tiltScene,
    rampS: [0.15, 0.5],
    climbPeakG: [0.01, 0.08],
    climbS: [3, 10],
    swayDeg: [0.01, 0.12],
    swayHz: [0.3, 3],
    gustDepth: [0, 1],
    swayRotationShare: [0.2, 0.8],
    driftDegPerHour: [0.05, 0.5],
  },
  windSwayDeg: [0.1, 0.3],
  thermalDriftDegPerHour: [0.2, 0.6],
  tiltScene,
};

const holdoutVibrationScene: SceneRanges = { sensors: ['lis3dh_8g', 'adxl345'], ambientRmsG: [0.001, 0.008] };
const holdoutTiltScene: SceneRanges = { sensors: ['adxl345', 'lis3dh_2g'], ambientRmsG: [0.001, 0.005] };

export const HOLDOUT_MOTION_RANGES: MotionRanges = {
  grinder: {
    scene: holdoutVibrationScene,
    rpmUnloaded: [10000, 12500],
    loadDrop: [0.15, 0.45],
    wanderPct: [1, 6],
    wanderHz: [0.3, 4],
    spindleTauS: [0.05, 0.4],
    harmonic2: [0.15, 1.2],
    harmonic3: [0.05, 0.8],
    couplingDbPerKHz: [5, 15],
    textureShare: [0.1, 0.6],
    textureLoHz: [80, 400],
    pauseDb: [-30, -8],
    directionSpread: [0.3, 1],
    firstCutS: [1.2, 3],
    cutS: [0.4, 2.5],
    pauseS: [0.3, 2],
    approachS: [0, 3],
  },
  regulatedGrinder: { loadDrop: [0, 0.05], wanderPct: [0.1, 1] },
  impact: {
    scene: holdoutVibrationScene,
    parts: {
      glass: { contactMs: [1, 3], modeLoHz: [40, 120], modeHiHz: [300, 650], modeCount: [2, 5], dampingRatio: [0.005, 0.03] },
      frame: { contactMs: [0.3, 1], modeLoHz: [200, 400], modeHiHz: [550, 700], modeCount: [2, 4], dampingRatio: [0.03, 0.1] },
    },
    blowPeakG: { light: [0.4, 0.7], medium: [0.7, 1.8], heavy: [1.8, 3] },
    shockPeakG: [4, 16],
    blowCount: [3, 8],
    intervalS: [0.3, 2.5],
    directionSpread: [0.2, 0.8],
  },
  confusers: {
    scene: holdoutVibrationScene,
    hvac: { toneHz: [40, 250], harmonics: [1, 3], harmonicDb: [-15, -4], levelDb: [5, 22], jitterPct: [0.01, 0.08], airDb: [-15, -5] },
    mainsHum: { mainsHz: [50, 60], levelDb: [5, 28], harmonic2Db: [-10, 0], harmonic3Db: [-15, -3] },
    vacuum: { motorHz: [500, 720], motorWanderPct: [2, 6], brushHz: [50, 75], brushDb: [-6, 2], airShare: [0.2, 0.6], levelDb: [8, 28], strokeHz: [0.3, 1.5] },
    floorMachine: { motorHz: [24, 29.17], mainsHz: [50, 60], padShare: [0.2, 0.6], levelDb: [8, 28], brushHz: [2, 6], humDb: [-6, 3] },
    footsteps: { stepHz: [1.4, 2.5], peakG: [0.005, 0.04], modeLoHz: [5, 15], modeHiHz: [25, 60] },
    traffic: { rmsG: [0.003, 0.05], passS: [2, 10], engineHz: [10, 28] },
    doorSlam: { peakG: [0.03, 0.25], modeLoHz: [10, 25], modeHiHz: [40, 100], dampingRatio: [0.04, 0.15], rattleShare: [0.1, 0.4] },
    tapping: { count: [2, 8], intervalS: [0.12, 0.5], peakG: [0.02, 0.2], contactMs: [1, 4], modeLoHz: [50, 120], modeHiHz: [250, 700], dampingRatio: [0.005, 0.03] },
  },
  railingWind: {
    scene: holdoutVibrationScene,
    modeHz: [60, 280],
    dampingRatio: [0.001, 0.03],
    meanRatio: [0.8, 1.2],
    gustPct: [5, 50],
    gustHz: [0.05, 1],
    lockWidth: [0.03, 0.25],
    lockDb: [3, 24],
    lockCycles: [10, 120],
    inlineDb: [-35, -8],
    rattleShare: 0.6,
    rattleGap: [0.2, 0.9],
    levelDb: [8, 40],
    rainShare: 0.6,
    rainDb: [0, 30],
  },
  tilt: {
    scene: holdoutTiltScene,
    rampS: [0.1, 0.6],
    climbPeakG: [0.02, 0.15],
    climbS: [2, 12],
    swayDeg: [0.02, 0.15],
    swayHz: [0.3, 3],
    gustDepth: [0.3, 1.5],
    swayRotationShare: [0.1, 0.9],
    driftDegPerHour: [0.1, 0.8],
  },
  windSwayDeg: [0.15, 0.32],
  thermalDriftDegPerHour: [0.3, 0.8],
  tiltScene: holdoutTiltScene,
};
