// The application menu. Electron's default menu has Reload, Force Reload and Toggle Developer Tools
// (and their shortcuts, which work only through the menu); a packaged build must offer none of them
// — a reload drops the page's state, the DevTools open the page to anyone at the keyboard. The Edit
// menu stays on every platform: on macOS copy and paste shortcuts exist only through it.
import type { MenuItemConstructorOptions } from 'electron';

/** The menu template; `isPackaged` false adds the development items (reload, DevTools). */
export function applicationMenuTemplate(options: { readonly isPackaged: boolean; readonly platform: NodeJS.Platform }): MenuItemConstructorOptions[] {
  const development: MenuItemConstructorOptions[] = options.isPackaged
    ? []
    : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  return [
    ...(options.platform === 'darwin' ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [...development, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
  ];
}

/** Every role in `template`, submenus included (what a test or a reviewer checks). */
export function menuRoles(template: readonly MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [
    ...(item.role === undefined ? [] : [item.role]),
    ...(Array.isArray(item.submenu) ? menuRoles(item.submenu as MenuItemConstructorOptions[]) : []),
  ]);
}
