import audit from './audit';
import directories from './directories';
import group from './group';
import health from './health';
import orgChart from './org-chart';
import runs from './runs';

export default { audit, directories, group, health, 'org-chart': orgChart, runs };
