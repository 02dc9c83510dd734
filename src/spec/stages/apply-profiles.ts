import { applyProfiles } from '../profiles.js';
import type { ProjectStage } from './project-stage.js';

/** Project stage — profiles: services outside the selected profiles move to `disabledServices`. */
export const applyProfilesStage: ProjectStage = {
  name: 'apply-profiles',
  run(project) {
    return applyProfiles(project, project.profiles);
  },
};
