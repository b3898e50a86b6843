import { Page } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { ConfigurationPage } from './ConfigurationPage';

const READ = [{ action: 'plugin::user-directory-sync.read', subject: null }];

const App = () => (
  <Page.Protect permissions={READ}>
    <Routes>
      <Route index element={<ConfigurationPage />} />
      <Route path="*" element={<Page.Error />} />
    </Routes>
  </Page.Protect>
);

export default App;
