import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { PERMISSIONS } from '../permissions';
import { ConfigurationPage } from './ConfigurationPage';
import { DirectoryPage } from './DirectoryPage';
import { NewDirectoryPage } from './NewDirectoryPage';

/** Settings > User Directory Sync > Configuration and each directory's page. */
const App = () => (
  <Page.Protect permissions={PERMISSIONS.read}>
    <Routes>
      <Route index element={<ConfigurationPage />} />
      <Route
        path="directories/new"
        element={
          <Page.Protect permissions={PERMISSIONS.update}>
            <NewDirectoryPage />
          </Page.Protect>
        }
      />
      <Route path="directories/:id" element={<DirectoryPage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export default App;
