import audit from './audit';
import directories from './directories';
import health from './health';
import orgChart from './org-chart';
import runs from './runs';

export default { audit, directories, health, 'org-chart': orgChart, runs };
