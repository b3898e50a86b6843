import audit from './audit';
import directories from './directories';
import health from './health';
import runs from './runs';

export default { audit, directories, health, runs };
