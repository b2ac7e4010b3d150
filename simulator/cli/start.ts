// Placeholder for the main job until the simulator lands (issue 4): says what `npm start` will run.
const plan = [
  'Vitrine simulator demo: the Louvre Apollo Gallery, 19 October 2025, replayed on virtual sensor nodes.',
  'It will start an embedded MQTT broker (aedes) on a free port, boot a balcony node, a window node and',
  'two display-case nodes running the same firmware code as the ESP32, play visitors and ambient noise,',
  'then the lift at the balcony, the grinder on the window and the two display cases being cut and broken,',
  'and print each alert as a subscriber receives it: time, node, location, type, score and latency.',
  'The simulator is not built yet; this command exits without running anything.',
];
process.stdout.write(`${plan.join('\n')}\n`);
