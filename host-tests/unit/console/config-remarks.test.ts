import assert from 'node:assert/strict';
import { configRemarks } from '../../../simulator/console/shared/config-remarks';
import { roleConfig } from '../../../simulator/eval/sensor-pipeline';
import type { NodeConfig } from '../../../firmware/node/config';

const PATH = 'detectors.glassBreak.requireFlex';

/** As the console receives it: the retained config topic's JSON. */
function retained(config: NodeConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

describe('console: remarks beside the configuration in force', function () {
  it('says a window on its glass needs the pane flex for a glass break, and how to walk-test it', function () {
    const remark = configRemarks(retained(roleConfig('window'))).get(PATH);
    assert.ok(remark !== undefined);
    assert.match(remark, /^dual technology \(a window node mounted on its glass\): a glass break alarms only when the accelerometer saw the pane flex in the 300 ms before the sound or its first 60 ms;/);
    assert.match(remark, /thump the pane and sound the simulator together \(a thump under 0\.8 g adds only its share of the bonus\)$/);
  });

  it('says the microphone decides on a frame or a display case, with the flex as a bonus', function () {
    for (const [config, mounted] of [[roleConfig('window', 'frame'), 'a window node mounted on its frame'], [roleConfig('display_case', 'frame'), 'a display case node mounted on its frame']] as const) {
      assert.equal(configRemarks(retained(config)).get(PATH), `the microphone decides (${mounted}); a pane flex in the 300 ms before the sound or its first 60 ms adds 0.4 to the score (a flex under 0.8 g its share)`);
    }
  });

  it('says a display case on its glass asks more of the sound alone than of a sound with the flex', function () {
    assert.equal(configRemarks(retained(roleConfig('display_case'))).get(PATH),
      'the microphone decides (a display case node mounted on its glass); a pane flex in the 300 ms before the sound or its first 60 ms adds 0.4 to the score (a flex under 0.8 g its share); ' +
      'without one the sound alone needs a score of 0.9');
  });

  it('leaves out the share of a weak flex where every flex adds all of the bonus (flexFullG 0)', function () {
    const config = retained(roleConfig('display_case', 'frame'));
    ((config.detectors as Record<string, Record<string, unknown>>).glassBreak).flexFullG = 0;
    assert.match(configRemarks(config).get(PATH) ?? '', /adds 0\.4 to the score$/);
  });

  it('has nothing to say where glass break is off or the config is not one', function () {
    assert.equal(configRemarks(retained(roleConfig('balcony'))).size, 0, 'a balcony has no glass-break detector');
    assert.equal(configRemarks(undefined).size, 0);
    assert.equal(configRemarks({ detectors: [] }).size, 0);
    assert.equal(configRemarks({ detectors: { glassBreak: { enabled: true, requireFlex: 'yes' } } }).size, 0);
  });
});
