// placeholder removed once real code lands
