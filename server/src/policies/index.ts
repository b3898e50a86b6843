import inGroup from './in-group';

export default { 'in-group': inGroup };
