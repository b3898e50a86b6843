import hasAnyPermission from './has-any-permission';
import inGroup from './in-group';

export default { 'has-any-permission': hasAnyPermission, 'in-group': inGroup };
